import { decodeEvent } from '../kms/decode.js';
import type { KmsRecord } from '../kms/types.js';
import type { EventOrigin, SourceItem } from '../sources/types.js';
import type { Store, WriteResult } from '../store/types.js';
import { StoreError } from '../store/types.js';
import type { IngestSummary } from './types.js';

export const DEFAULT_BATCH_SIZE = 50_000;

/** After this many records of one batch failed on their own, the store is the problem, not the data. */
const MAX_BAD_RECORDS_PER_BATCH = 100;

/**
 * Decodes source items and writes them to the store in batches (one transaction each), adding
 * to a summary. A batch the store rejects is split until the records it cannot take are found:
 * those become issues naming their file and line or record, the rest is stored.
 */
export class IngestBatcher {
  private records: KmsRecord[] = [];
  private origins: EventOrigin[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private readonly batchSize: number;

  constructor(
    private readonly store: Store,
    readonly summary: IngestSummary,
    batchSize = DEFAULT_BATCH_SIZE,
    private readonly onFlush?: () => void,
  ) {
    this.batchSize = Math.max(1, Math.trunc(batchSize));
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
      this.summary.issues.push(item.issue);
      return false;
    }
    this.summary.events++;
    const record = decodeEvent(item.event);
    if (record === null) {
      this.summary.ignored++;
      return false;
    }
    this.records.push(record);
    this.origins.push(item.event.origin);
    return this.records.length >= this.batchSize;
  }

  /**
   * Hands the pending batch to the store and returns once the batch before it is stored: one
   * batch stays in flight, so a store that writes on another thread (sqlite/threaded-writer.ts)
   * stores it while the caller reads and decodes the next. drain() waits for it.
   */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.records.length === 0) return;
    const records = this.records;
    const origins = this.origins;
    this.records = [];
    this.origins = [];
    const stored = this.write(records, origins, { bad: 0 }).then(() => this.onFlush?.());
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
    const s = this.summary;
    s.requests += result.requests;
    s.hostEvents += result.hostEvents;
    s.clientEvents += result.clientEvents;
    s.anomalies += result.anomalies;
    s.duplicates += result.duplicates;
    s.logClears += result.logClears;
  }
}
