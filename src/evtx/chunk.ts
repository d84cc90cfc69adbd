/**
 * One 64 KiB chunk slot → its records. The record walk is defensive (evtx-format.md §0.2):
 * it stops at a zero magic (normal end), and at a record header whose magic, size or size copy
 * is wrong (reported as `walkStop`). Every record that passes the header checks becomes either
 * an ok record or an error value; nothing here throws.
 */
import { u64Number } from './bytes.js';
import { createChunkContext, DEFAULT_LIMITS, type ChunkContext, type EvtxLimits } from './binxml/context.js';
import type { Fragment } from './binxml/ir.js';
import { Expander } from './binxml/expand.js';
import { fragmentsWeight } from './binxml/expansion.js';
import { readRecordFragments } from './binxml/parse.js';
import { TemplateCache } from './binxml/template-cache.js';
import { formatFileTime } from './binxml/values.js';
import { classifySlot, readChunkHeader, type ChunkHeader, type Crc32Fn } from './chunk-header.js';
import { BadRecordError, BadValueError, EvtxError, LimitError } from './errors.js';
import type { XmlNode } from './tree.js';

const RECORD_MAGIC = 0x00002a2a;
const CHUNK_SIZE = 65536;

export interface EvtxRecord {
  /** EventRecordID from the record header. */
  recordId: number;
  /** Written time from the record header (FILETIME, Windows-like text). */
  written: string;
  /** Chunk slot index. */
  chunk: number;
  /** Absolute file offset of the record header. */
  offset: number;
  /** Root nodes of the record (normally one `<Event>` element). */
  nodes: XmlNode[];
}

export type RecordResult = { ok: true; record: EvtxRecord } | { ok: false; error: EvtxError };

export type ChunkState = 'ok' | 'empty' | 'bad-magic' | 'short';

export interface ChunkResult {
  index: number;
  fileOffset: number;
  state: ChunkState;
  header?: ChunkHeader;
  records: RecordResult[];
  /** Why the record walk stopped before the chunk's free-space offset, if it did. */
  walkStop?: EvtxError;
  /** Template definitions compiled or reused in this chunk. */
  templates: number;
}

export interface ParseChunkOptions {
  cache?: TemplateCache;
  limits?: EvtxLimits;
  /** CRC-32 implementation (default: a table-driven one in JS; Node passes zlib's); null: no CRC checks. */
  crc32?: Crc32Fn | null;
  /**
   * Called for each record as soon as it is read, instead of collecting them in `records`:
   * lets a caller render and drop each tree at once (far less GC work on big files).
   */
  onRecord?: (r: RecordResult) => void;
}

function wrapUnexpected(e: unknown, chunk: number, offset: number, recordId: number): EvtxError {
  if (e instanceof EvtxError) return e;
  // DataView range errors and the like: still a per-record error, never an escape.
  return new BadValueError(e instanceof Error ? e.message : String(e), { chunk, offset, recordId, what: 'record' }, { cause: e });
}

/**
 * Receives each record of a chunk walk as parsed fragments (still unexpanded). `record` returns
 * false when the record holds no element (the walk turns that into an error record) and may throw
 * an EvtxError to make the record an error value; `error` receives the error values.
 */
export interface RecordSink {
  /**
   * Optional first try on the record's BinXML bytes [start, end): true when the sink handled the
   * record itself (then `record` is not called). Must not throw.
   */
  raw?(c: ChunkContext, start: number, end: number): boolean;
  record(c: ChunkContext, frags: Fragment[], recordId: number, chunkPos: number, fileOffset: number): boolean;
  error(e: EvtxError): void;
}

/** Parses one chunk slot. `bytes` is the slot (normally 65536 bytes; shorter at a cut file end). */
export function parseChunk(bytes: Uint8Array, index: number, fileOffset: number, opts: ParseChunkOptions = {}): ChunkResult {
  const records: RecordResult[] = [];
  let expander: Expander | null = null;
  const emit = opts.onRecord ?? ((r: RecordResult) => void records.push(r));
  const result = walkChunk(bytes, index, fileOffset, opts, {
    record(c, frags, recordId, pos, at) {
      expander ??= new Expander(c);
      const nodes: XmlNode[] = [];
      expander.fragments(frags, nodes, 0);
      if (!nodes.some((n) => n.type === 'element')) return false;
      emit({ ok: true, record: { recordId, written: formatFileTime(c.view, pos + 16), chunk: index, offset: at, nodes } });
      return true;
    },
    error(e) {
      emit({ ok: false, error: e });
    },
  });
  result.records = records;
  return result;
}

/** The defensive record walk of one chunk slot; each record's fragments go to `sink`. */
export function walkChunk(bytes: Uint8Array, index: number, fileOffset: number, opts: ParseChunkOptions, sink: RecordSink): ChunkResult {
  const result: ChunkResult = { index, fileOffset, state: 'ok', records: [], templates: 0 };
  if (bytes.length < CHUNK_SIZE) {
    result.state = bytes.length === 0 || bytes.every((b) => b === 0) ? 'empty' : 'short';
    return result;
  }
  const kind = classifySlot(bytes);
  if (kind !== 'chunk') {
    result.state = kind;
    return result;
  }
  const c = createChunkContext(bytes, index, fileOffset, opts.cache ?? new TemplateCache(), opts.limits ?? DEFAULT_LIMITS);
  const header = readChunkHeader(bytes, c.view, opts.crc32);
  result.header = header;
  const end = header.freeSpaceOffset >= 512 && header.freeSpaceOffset <= CHUNK_SIZE ? header.freeSpaceOffset : CHUNK_SIZE;
  const view = c.view;
  let pos = 512;
  while (pos + 28 <= end) {
    const magic = view.getUint32(pos, true);
    if (magic === 0) break;
    const at = fileOffset + pos;
    const size = view.getUint32(pos + 4, true);
    let why: string | null = null;
    if (magic !== RECORD_MAGIC) why = `bad record magic 0x${magic.toString(16)}`;
    else if (size < 28) why = `record size ${size} is below 28`;
    else if (pos + size > CHUNK_SIZE) why = `record size ${size} runs past the chunk end`;
    if (why !== null) {
      result.walkStop = new BadRecordError(why, { chunk: index, offset: at, what: 'record header' });
      break;
    }
    // A size copy that disagrees means the walk cannot trust what follows: this record is still
    // read (its bounds are sound), then the walk stops.
    const sizeCopy = view.getUint32(pos + size - 4, true);
    if (sizeCopy !== size) {
      result.walkStop = new BadRecordError(`size copy ${sizeCopy} does not match size ${size}`, { chunk: index, offset: at, what: 'record trailer' });
    }
    const recordId = u64Number(view, pos + 8);
    c.recordId = recordId;
    try {
      if (sink.raw !== undefined && sink.raw(c, pos + 24, pos + size - 4)) {
        if (result.walkStop) break;
        pos += size;
        continue;
      }
      const frags = readRecordFragments(c, pos + 24, pos + size - 4);
      const limit = c.limits.maxExpansion;
      const weight = fragmentsWeight(frags, limit);
      if (weight > limit || c.expanded + weight > c.limits.maxChunkExpansion) {
        const what = weight > limit ? `record expands to more than ${limit.toLocaleString('en-US')}` : `chunk's records expand to more than ${c.limits.maxChunkExpansion.toLocaleString('en-US')}`;
        throw new LimitError(`${what} nodes, name characters and value bytes (repeated nested values or names)`, { chunk: index, offset: at, recordId, what: 'record data' });
      }
      c.expanded += weight;
      if (!sink.record(c, frags, recordId, pos, at)) {
        throw new BadRecordError(`no element in ${size - 28} bytes of BinXML${result.walkStop ? ' (size copy mismatch: record overwritten)' : ''}`, { chunk: index, offset: at, recordId, what: 'record data' });
      }
    } catch (e) {
      sink.error(wrapUnexpected(e, index, at, recordId));
    }
    if (result.walkStop) break;
    pos += size;
  }
  result.templates = c.templates.size;
  return result;
}
