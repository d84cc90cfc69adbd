/**
 * One ingest body → decoded records, in the order IngestBatcher would store them, with the reader
 * issues and where they fell among the records. Runs in an ingest worker thread (worker.ts) or,
 * with no workers, on the main thread; the same code either way.
 */
import { decodeEvent } from '../../kms/decode.js';
import type { KmsRecord } from '../../kms/types.js';
import { readCsvBatches } from '../../sources/csv.js';
import { detectFormat } from '../../sources/detect.js';
import { UNKNOWN_FORMAT_REASON } from '../../sources/formats.js';
import { isJsonFormat, readJsonBatches } from '../../sources/json.js';
import type { EventOrigin, InputFormat, InputIssue, ReadOptions, SourceItem } from '../../sources/types.js';
import { readWevtutilTextBatches } from '../../sources/wevtutil-text.js';
import { readXmlBatches } from '../../sources/xml.js';
import { readEvtxBytes } from '../bytes-source.js';

export interface ParseBodyOptions {
  /** Name shown in issues and stored as the origin (`http`). */
  file: string;
  timezone: string;
  format?: InputFormat;
  host?: string;
  /** Code page of a text export without a BOM (ReadOptions.encoding). */
  encoding?: string;
  /** Leave out the events of damaged EVTX chunks (IngestOptions.skipDamaged) instead of keeping them marked. */
  skipDamaged?: boolean;
}

/** records[index] was read from a damaged EVTX chunk (RawEvent.damage): stored with a damage mark. */
export interface ParsedDamage {
  index: number;
  chunk: number;
  checks: string;
}

export interface ParsedBody {
  /** Events read (before decoding), as IngestSummary.events. */
  events: number;
  /** Events that are not KMS events, as IngestSummary.ignored. */
  ignored: number;
  records: KmsRecord[];
  /** Origin of records[i], for the issue of a record the store refuses. */
  originOf(i: number): EventOrigin;
  /** Reader issues in input order. */
  issues: InputIssue[];
  /** issueAt[k]: how many records had been decoded before issues[k]. */
  issueAt: number[];
  /** Notes (InputIssue.note: an EVTX file without CRCs…): no problems, as IngestSummary.notes. */
  notes: InputIssue[];
  /** The records read from damaged EVTX chunks, by index, in order (as IngestSummary.damagedKept). */
  damaged: ParsedDamage[];
  /** KMS events of damaged chunks left out (skipDamaged), as IngestSummary.damagedSkipped. */
  damagedSkipped: number;
}

const HEAD_BYTES = 64 * 1024;
/** Text readers get the body in slices so that their streaming code paths run as for files. */
const SLICE = 256 * 1024;

async function* slices(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += SLICE) yield bytes.subarray(i, i + SLICE);
}

async function* itemBatches(bytes: Uint8Array, opts: ParseBodyOptions): AsyncGenerator<readonly SourceItem[]> {
  if (bytes.length === 0) {
    yield [{ ok: false, issue: { file: opts.file, format: opts.format ?? 'unknown', reason: 'file is empty' } }];
    return;
  }
  const format = opts.format ?? detectFormat(bytes.subarray(0, HEAD_BYTES), opts.file);
  if (!format) {
    const reason = UNKNOWN_FORMAT_REASON;
    yield [{ ok: false, issue: { file: opts.file, format: 'unknown', reason, fatal: true } }];
    return;
  }
  const readOpts: ReadOptions = { file: opts.file, timezone: opts.timezone };
  if (opts.host !== undefined) readOpts.host = opts.host;
  if (opts.encoding !== undefined) readOpts.encoding = opts.encoding;
  if (format === 'evtx') yield [...readEvtxBytes(bytes, readOpts)];
  else if (format === 'xml') yield* readXmlBatches(slices(bytes), readOpts);
  else if (format === 'csv-export' || format === 'csv-eventviewer') yield* readCsvBatches(slices(bytes), { ...readOpts, format });
  else if (isJsonFormat(format)) yield* readJsonBatches(slices(bytes), opts.format ? { ...readOpts, format } : { ...readOpts, hint: format });
  else if (format === 'wevtutil-text') yield* readWevtutilTextBatches(slices(bytes), readOpts);
}

/** Reads and decodes a whole body; the records are not stored yet. */
export async function parseBody(bytes: Uint8Array, opts: ParseBodyOptions): Promise<ParsedBody> {
  const records: KmsRecord[] = [];
  const origins: EventOrigin[] = [];
  const issues: InputIssue[] = [];
  const issueAt: number[] = [];
  const notes: InputIssue[] = [];
  const damaged: ParsedDamage[] = [];
  let damagedSkipped = 0;
  let events = 0;
  let ignored = 0;
  for await (const items of itemBatches(bytes, opts)) {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!item.ok) {
        // a note (an EVTX file without CRCs, a stale header count) is no problem: not a 400
        if (item.issue.note) {
          notes.push(item.issue);
          continue;
        }
        issues.push(item.issue);
        issueAt.push(records.length);
        continue;
      }
      events++;
      const record = decodeEvent(item.event);
      if (record === null) {
        ignored++;
        continue;
      }
      // as IngestBatcher: a KMS event of a damaged chunk is left out or kept with its damage
      const damage = item.event.damage;
      if (damage !== undefined) {
        if (opts.skipDamaged) {
          damagedSkipped++;
          continue;
        }
        damaged.push({ index: records.length, chunk: damage.chunk, checks: damage.checks });
      }
      records.push(record);
      origins.push(item.event.origin);
    }
  }
  return { events, ignored, records, originOf: (i) => origins[i], issues, issueAt, notes, damaged, damagedSkipped };
}
