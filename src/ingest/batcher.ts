import { decodeEvent } from '../kms/decode.js';
import type { KmsRecord } from '../kms/types.js';
import type { EventOrigin, InputIssue, SourceItem } from '../sources/types.js';
import type { DamageMark, Store, WriteResult } from '../store/types.js';
import { StoreError } from '../store/types.js';
import { ShiftedSources } from './shifted.js';
import type { IngestSummary } from './types.js';

export const DEFAULT_BATCH_SIZE = 50_000;

/** After this many records of one batch failed on their own, the store is the problem, not the data. */
const MAX_BAD_RECORDS_PER_BATCH = 100;

export interface BatcherOptions {
  /** Drop the events read from damaged EVTX chunks instead of storing them marked. */
  skipDamaged?: boolean;
}

/**
 * Decodes source items and writes them to the store in batches (one transaction each), adding
 * to a summary. A batch the store rejects is split until the records it cannot take are found:
 * those become issues naming their file and line or record, the rest is stored. Notes go to
 * summary.notes; events from damaged EVTX chunks are stored with a mark (Store.markDamaged) or,
 * with skipDamaged, left out.
 */
export class IngestBatcher {
  private records: KmsRecord[] = [];
  private origins: EventOrigin[] = [];
  private marks: DamageMark[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private readonly batchSize: number;
  private readonly skipDamaged: boolean;
  private readonly shifted = new ShiftedSources();

  constructor(
    private readonly store: Store,
    readonly summary: IngestSummary,
    batchSize = DEFAULT_BATCH_SIZE,
    private readonly onFlush?: () => void,
    options: BatcherOptions = {},
  ) {
    this.batchSize = Math.max(1, Math.trunc(batchSize));
    this.skipDamaged = options.skipDamaged === true;
  }

  async add(item: SourceItem): Promise<void> {
    if (this.take(item)) await this.flush();
  }

  /** Adds a reader's array of items: decoding is synchronous, so only a full batch awaits. */
  async addAll(items: readonly SourceItem[]): Promise<void> {
    for (let i = 0; i < items.length; i++) {
      if (this.take(items[i])) await this.flush();
    }
  }

  /** Decodes one item into the pending batch; true when the batch is full. */
  private take(item: SourceItem): boolean {
    if (!item.ok) {
      (item.issue.note ? this.summary.notes : this.summary.issues).push(item.issue);
      return false;
    }
    this.summary.events++;
    if (item.event.timeChoice === 'order') this.summary.ambiguousByOrder++;
    else if (item.event.timeChoice === 'earlier') this.summary.ambiguousEarlier++;
    const record = decodeEvent(item.event);
    if (record === null) {
      this.summary.ignored++;
      return false;
    }
    const damage = item.event.damage;
    if (damage !== undefined) {
      if (this.skipDamaged) {
        this.summary.damagedSkipped++;
        return false;
      }
      this.summary.damagedKept++;
      // (a record without a record id or time cannot be stored under a dedup key either)
      if (record.recordId !== null && Number.isFinite(record.recordId) && Number.isFinite(record.time)) {
        this.marks.push({ host: record.host, channel: record.channel, recordId: record.recordId, time: record.time, file: item.event.origin.file, chunk: damage.chunk, checks: damage.checks });
      }
    }
    this.records.push(record);
    this.origins.push(item.event.origin);
    return this.records.length >= this.batchSize;
  }

  /**
   * Hands the pending batch to the store and returns once the batch before it is stored: one
   * batch stays in flight, so a store that waits on its server (PostgreSQL) stores it while the
   * caller reads and decodes the next. drain() waits for it.
   */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.records.length === 0) return;
    let records = this.records;
    let origins = this.origins;
    const marks = this.marks;
    this.records = [];
    this.origins = [];
    this.marks = [];
    // the rest of a file whose local times turned out to be read in the wrong zone
    const kept = this.shifted.keep(records, this.summary);
    if (kept !== null) {
      records = kept.map((i) => records[i]);
      origins = kept.map((i) => origins[i]);
      if (records.length === 0) return;
    }
    // the marks go first: a batch stored without them would pass for sound if the run stopped
    // between the two (a mark whose record was never stored matches nothing)
    const write = () => this.write(records, origins, { bad: 0 });
    const stored = (marks.length > 0 ? this.store.markDamaged(marks).then(write) : write()).then(() => this.onFlush?.());
    // the failure, if any, is thrown by the next flush() or drain(); until then it is not unhandled
    stored.catch(() => undefined);
    this.inFlight = stored;
  }

  /** Stores the pending batch and waits until every batch handed over is stored. */
  async drain(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }

  private async write(records: KmsRecord[], origins: EventOrigin[], failures: { bad: number }): Promise<void> {
    let result: WriteResult;
    try {
      result = await this.store.writeBatch(records);
    } catch (err) {
      if (!(err instanceof StoreError) || err.code !== 'STORE_WRITE') throw err;
      if (records.length === 1) {
        failures.bad++;
        if (failures.bad > MAX_BAD_RECORDS_PER_BATCH) throw err;
        const origin = origins[0];
        this.summary.issues.push({
          file: origin.file,
          format: origin.format,
          ...(origin.line !== undefined ? { line: origin.line } : {}),
          ...(origin.index !== undefined ? { record: origin.index } : {}),
          reason: `not stored: ${err.message}`,
        });
        return;
      }
      const half = Math.ceil(records.length / 2);
      await this.write(records.slice(0, half), origins.slice(0, half), failures);
      await this.write(records.slice(half), origins.slice(half), failures);
      return;
    }
    this.shifted.add(this.summary, result);
  }

  /**
   * After drain(): the files whose times were off against stored copies of their records, one
   * problem each (shifted.ts).
   */
  async shiftedProblems(): Promise<InputIssue[]> {
    return this.shifted.problems(this.store);
  }
}
