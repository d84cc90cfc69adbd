/**
 * Stores a parsed body the way ingestEvents would have: records in store batches of
 * DEFAULT_BATCH_SIZE (one transaction each); a batch the store refuses is split until the records
 * it cannot take are found, each becoming an issue naming its line or record; the reader issues
 * keep their place among those. The records of damaged EVTX chunks are marked (Store.markDamaged)
 * before their batch, as IngestBatcher marks them. The summary is the one ingestEvents returns for
 * the same body.
 */
import { DEFAULT_BATCH_SIZE } from '../../ingest/batcher.js';
import { ShiftedSources } from '../../ingest/shifted.js';
import { emptySummary, type IngestSummary } from '../../ingest/types.js';
import type { KmsRecord } from '../../kms/types.js';
import type { EventOrigin } from '../../sources/types.js';
import { StoreError, type DamageMark, type Store } from '../../store/types.js';
import type { ParsedBody, ParsedDamage } from './parse-body.js';

/** After this many records of one batch failed on their own, the store is the problem, not the data. */
const MAX_BAD_RECORDS_PER_BATCH = 100;

export async function writeParsed(store: Store, parsed: ParsedBody, batchSize = DEFAULT_BATCH_SIZE): Promise<IngestSummary> {
  const size = Math.max(1, Math.trunc(batchSize));
  const summary = emptySummary();
  summary.events = parsed.events;
  summary.ignored = parsed.ignored;
  summary.files = parsed.events + parsed.issues.length > 0 ? 1 : 0;
  summary.notes = [...parsed.notes];
  summary.damagedKept = parsed.damaged.length;
  summary.damagedSkipped = parsed.damagedSkipped;
  const { records, issues, issueAt, damaged } = parsed;
  let nextDamage = 0;
  const shifted = new ShiftedSources();
  let nextIssue = 0;
  // a full batch is written as soon as its last record is read: issues read after that follow its write issues
  const issuesBefore = (recordCount: number) => {
    while (nextIssue < issues.length && issueAt[nextIssue] < recordCount) summary.issues.push(issues[nextIssue++]);
  };
  for (let start = 0; start < records.length; start += size) {
    const end = Math.min(start + size, records.length);
    issuesBefore(end - start === size ? end : Number.POSITIVE_INFINITY);
    const marks: DamageMark[] = [];
    for (; nextDamage < damaged.length && damaged[nextDamage].index < end; nextDamage++) {
      const mark = damageMark(parsed, damaged[nextDamage]);
      if (mark) marks.push(mark);
    }
    // the marks go first, as in IngestBatcher: a mark whose record is never stored matches nothing
    if (marks.length > 0) await store.markDamaged(marks);
    const indexes = Array.from({ length: end - start }, (_, i) => start + i);
    await write(store, records.slice(start, end), indexes, parsed, summary, { bad: 0, shifted });
  }
  issuesBefore(Number.POSITIVE_INFINITY);
  // records whose stored copies have times whole hours apart: the body was read in the wrong zone
  summary.issues.push(...(await shifted.problems(store)));
  return summary;
}

/** The mark IngestBatcher writes for the same record; none without a record id or time (no dedup key either). */
function damageMark(parsed: ParsedBody, d: ParsedDamage): DamageMark | null {
  const r = parsed.records[d.index];
  if (r.recordId === null || !Number.isFinite(r.recordId) || !Number.isFinite(r.time)) return null;
  return { host: r.host, channel: r.channel, recordId: r.recordId, time: r.time, file: parsed.originOf(d.index).file, chunk: d.chunk, checks: d.checks };
}

async function write(
  store: Store, records: KmsRecord[], indexes: number[], parsed: ParsedBody, summary: IngestSummary, failures: { bad: number; shifted: ShiftedSources },
): Promise<void> {
  let result;
  try {
    result = await store.writeBatch(records);
  } catch (err) {
    if (!(err instanceof StoreError) || err.code !== 'STORE_WRITE') throw err;
    if (records.length === 1) {
      failures.bad++;
      if (failures.bad > MAX_BAD_RECORDS_PER_BATCH) throw err;
      const origin: EventOrigin = parsed.originOf(indexes[0]);
      summary.issues.push({
        file: origin.file,
        format: origin.format,
        ...(origin.line !== undefined ? { line: origin.line } : {}),
        ...(origin.index !== undefined ? { record: origin.index } : {}),
        reason: `not stored: ${err.message}`,
      });
      return;
    }
    const half = Math.ceil(records.length / 2);
    await write(store, records.slice(0, half), indexes.slice(0, half), parsed, summary, failures);
    await write(store, records.slice(half), indexes.slice(half), parsed, summary, failures);
    return;
  }
  failures.shifted.add(summary, result);
}
