/**
 * Browser-safe entry to the source readers: one export held in memory (a dropped file, an HTTP
 * body) → SourceItems. Composes src/evtx (pure) and the streaming text readers of src/sources;
 * nothing here touches the file system, so the offline page and POST /api/ingest share it.
 */
import { chunkSlots, eventDataValues, EvtxIntegrity, parseChunk, parseSystemTime, readFileHeader, systemFields, TemplateCache } from '../evtx/index.js';
import { readCsvSource } from '../sources/csv.js';
import { detectFormat } from '../sources/detect.js';
import { findingItem, markDamagedChunk } from '../sources/evtx-findings.js';
import { UNKNOWN_FORMAT_REASON } from '../sources/formats.js';
import { isJsonFormat, readJsonSource } from '../sources/json.js';
import type { InputFormat, InputIssue, ReadOptions, SourceItem } from '../sources/types.js';
import { readWevtutilTextSource } from '../sources/wevtutil-text.js';
import { readXmlSource } from '../sources/xml.js';

export interface BytesSourceOptions {
  /** Name shown in issues and stored as the origin (a file name, `http`). */
  file: string;
  timezone: string;
  /** Skip detection. */
  format?: InputFormat;
  host?: string;
  /** Code page of a text export without a BOM (ReadOptions.encoding). */
  encoding?: string;
}

const HEAD_BYTES = 64 * 1024;
/** Text readers get the bytes in slices so that their streaming code paths run as for files. */
const SLICE = 256 * 1024;

async function* slices(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += SLICE) yield bytes.subarray(i, i + SLICE);
}

function issue(file: string, format: InputFormat | 'unknown', reason: string, extra: Partial<InputIssue> = {}): SourceItem {
  return { ok: false, issue: { file, format, reason, ...extra } };
}

/** The same mapping as src/sources/evtx.ts, over a buffer instead of a file handle. */
export function* readEvtxBytes(bytes: Uint8Array, opts: ReadOptions): Generator<SourceItem> {
  let integrity: EvtxIntegrity;
  try {
    integrity = new EvtxIntegrity(readFileHeader(bytes), bytes.length);
  } catch (e) {
    yield issue(opts.file, 'evtx', `not an EVTX file: ${(e as Error).message}`, { fatal: true });
    return;
  }
  const cache = new TemplateCache();
  for (const f of integrity.begin()) yield findingItem(opts.file, f);
  let index = 0;
  for (const slot of chunkSlots(bytes)) {
    const chunk = parseChunk(slot.bytes, slot.index, slot.offset, { cache });
    // a chunk's items are held until its CRC verdict is known (damaged: marked, its problem first)
    const items: SourceItem[] = [];
    let ids: { first: number; last: number } | null = null;
    if (chunk.state === 'bad-magic') items.push(issue(opts.file, 'evtx', `chunk ${slot.index}: not a chunk (bad signature), skipped`, { offset: slot.offset }));
    else if (chunk.state === 'short') items.push(issue(opts.file, 'evtx', `chunk ${slot.index}: file ends inside the chunk (${slot.bytes.length} bytes), skipped`, { offset: slot.offset }));
    for (const r of chunk.records) {
      if (!r.ok) {
        items.push(issue(opts.file, 'evtx', r.error.message, { record: r.error.context.recordId, offset: r.error.context.offset }));
        continue;
      }
      const rec = r.record;
      ids = ids === null ? { first: rec.recordId, last: rec.recordId } : { first: Math.min(ids.first, rec.recordId), last: Math.max(ids.last, rec.recordId) };
      const f = systemFields(rec.nodes);
      if (!f || f.eventId === null) {
        items.push(issue(opts.file, 'evtx', `record ${rec.recordId}: no System/EventID`, { record: rec.recordId, offset: rec.offset }));
        continue;
      }
      const provider = f.provider ?? f.eventSourceName;
      items.push({
        ok: true,
        event: {
          eventId: f.eventId & 0xffff,
          ...(f.qualifiers !== undefined ? { qualifiers: f.qualifiers } : {}),
          ...(provider !== undefined ? { provider } : {}),
          channel: f.channel || opts.channel || '',
          host: f.computer || opts.host || '',
          recordId: f.recordId ?? rec.recordId,
          time: f.timeMs ?? parseSystemTime(rec.written) ?? Number.NaN,
          data: eventDataValues(rec.nodes) ?? [],
          origin: { file: opts.file, format: 'evtx', index: index++ },
        },
      });
    }
    if (chunk.walkStop) items.push(issue(opts.file, 'evtx', chunk.walkStop.message, { offset: chunk.walkStop.context.offset }));
    const damaged = integrity.chunk(slot.index, slot.offset, chunk.state, chunk.header, ids);
    if (damaged) markDamagedChunk(items, opts.file, damaged);
    yield* items;
  }
  for (const f of integrity.end()) yield findingItem(opts.file, f);
}

/** Reads one in-memory export; the format is detected from its first bytes and name unless given. */
export async function* readBytesSource(bytes: Uint8Array, opts: BytesSourceOptions): AsyncGenerator<SourceItem> {
  if (bytes.length === 0) {
    yield issue(opts.file, opts.format ?? 'unknown', 'file is empty');
    return;
  }
  const format = opts.format ?? detectFormat(bytes.subarray(0, HEAD_BYTES), opts.file);
  if (!format) {
    yield issue(opts.file, 'unknown', UNKNOWN_FORMAT_REASON, { fatal: true });
    return;
  }
  const readOpts: ReadOptions = { file: opts.file, timezone: opts.timezone };
  if (opts.host !== undefined) readOpts.host = opts.host;
  if (opts.encoding !== undefined) readOpts.encoding = opts.encoding;
  if (format === 'evtx') yield* readEvtxBytes(bytes, readOpts);
  else if (format === 'xml') yield* readXmlSource(slices(bytes), readOpts);
  else if (format === 'csv-export' || format === 'csv-eventviewer') yield* readCsvSource(slices(bytes), { ...readOpts, format });
  else if (isJsonFormat(format)) yield* readJsonSource(slices(bytes), opts.format ? { ...readOpts, format } : { ...readOpts, hint: format });
  else if (format === 'wevtutil-text') yield* readWevtutilTextSource(slices(bytes), readOpts);
}
