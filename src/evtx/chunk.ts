/**
 * One 64 KiB chunk slot → its records. The record walk is defensive (evtx-format.md §0.2):
 * it stops at a zero magic (normal end), and at a record header whose magic, size or size copy
 * is wrong (reported as `walkStop`). Every record that passes the header checks becomes either
 * an ok record or an error value; nothing here throws.
 */
import { createChunkContext, DEFAULT_LIMITS, type ChunkContext, type EvtxLimits } from './binxml/context.js';
import type { Fragment } from './binxml/ir.js';
import { Expander } from './binxml/expand.js';
import { fragmentsWeight } from './binxml/record-weight.js';
import { readRecordFragments } from './binxml/parse.js';
import { TemplateCache } from './binxml/template-cache.js';
import { formatFileTime } from './binxml/values.js';
import { CHUNK_HEADER_SIZE, classifySlot, readChunkHeader, type ChunkHeader, type Crc32Fn } from './chunk-header.js';
import { CHUNK_SIZE } from './file-header.js';
import { recordMagicAt, recordSizeAt, RECORD_HEADER_SIZE, RECORD_MAGIC, RECORD_MIN_SIZE, RECORD_TRAILER_SIZE, RECORD_WRITTEN, recordIdAt, sizeCopyAt } from './record-header.js';
import { BadRecordError, BadValueError, EvtxError, LimitError } from './errors.js';
import type { XmlNode } from './tree.js';


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
      emit({ ok: true, record: { recordId, written: formatFileTime(c.view, pos + RECORD_WRITTEN), chunk: index, offset: at, nodes } });
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
  const end = header.freeSpaceOffset >= CHUNK_HEADER_SIZE && header.freeSpaceOffset <= CHUNK_SIZE ? header.freeSpaceOffset : CHUNK_SIZE;
  const view = c.view;
  let pos = CHUNK_HEADER_SIZE;
  while (pos + RECORD_MIN_SIZE <= end) {
    const magic = recordMagicAt(view, pos);
    if (magic === 0) break;
    const at = fileOffset + pos;
    const size = recordSizeAt(view, pos);
    let why: string | null = null;
    if (magic !== RECORD_MAGIC) why = `bad record magic 0x${magic.toString(16)}`;
    else if (size < RECORD_MIN_SIZE) why = `record size ${size} is below ${RECORD_MIN_SIZE}`;
    else if (pos + size > CHUNK_SIZE) why = `record size ${size} runs past the chunk end`;
    if (why !== null) {
      result.walkStop = new BadRecordError(why, { chunk: index, offset: at, what: 'record header' });
      break;
    }
    // A size copy that disagrees means the walk cannot trust what follows: this record is still
    // read (its bounds are sound), then the walk stops.
    const sizeCopy = sizeCopyAt(view, pos, size);
    if (sizeCopy !== size) {
      result.walkStop = new BadRecordError(`size copy ${sizeCopy} does not match size ${size}`, { chunk: index, offset: at, what: 'record trailer' });
    }
    const recordId = recordIdAt(view, pos);
    c.recordId = recordId;
    try {
      const from = pos + RECORD_HEADER_SIZE;
      const to = pos + size - RECORD_TRAILER_SIZE;
      if (sink.raw !== undefined && sink.raw(c, from, to)) {
        if (result.walkStop) break;
        pos += size;
        continue;
      }
      const frags = readRecordFragments(c, from, to);
      const limit = c.limits.maxExpansion;
      const weight = fragmentsWeight(frags, limit);
      if (weight > limit || c.expanded + weight > c.limits.maxChunkExpansion) {
        const what = weight > limit ? `record expands to more than ${limit.toLocaleString('en-US')}` : `chunk's records expand to more than ${c.limits.maxChunkExpansion.toLocaleString('en-US')}`;
        throw new LimitError(`${what} nodes, name characters and value bytes (repeated nested values or names)`, { chunk: index, offset: at, recordId, what: 'record data' });
      }
      c.expanded += weight;
      if (!sink.record(c, frags, recordId, pos, at)) {
        throw new BadRecordError(`no element in ${size - RECORD_MIN_SIZE} bytes of BinXML${result.walkStop ? ' (size copy mismatch: record overwritten)' : ''}`, { chunk: index, offset: at, recordId, what: 'record data' });
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
