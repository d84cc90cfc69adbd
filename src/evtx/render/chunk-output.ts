/**
 * One chunk → rendered text plus its problems, in a plain-data shape that can cross a worker
 * boundary. Used by the single-threaded path and by the worker alike, so both print the same.
 */
import { parseChunk, walkChunk, type ChunkResult, type ChunkState, type ParseChunkOptions } from '../chunk.js';
import type { ChunkHeader } from '../chunk-header.js';
import type { EvtxError } from '../errors.js';
import { CompiledJson } from './compiled-json.js';
import { CompiledXml } from './compiled-xml.js';
import { recordToJsonLine } from './json.js';
import { recordToXml } from './xml.js';

export type DumpFormat = 'xml' | 'jsonl';

export interface ChunkProblem {
  offset?: number;
  recordId?: number;
  message: string;
}

export interface RenderedChunk {
  index: number;
  state: ChunkState;
  /** Records' text, one per line, each line ending with '\n' ('' when `data` carries it). */
  text: string;
  /** The same text as UTF-8 bytes, set by worker threads (encoded there, transferred, not copied). */
  data?: Uint8Array;
  ok: number;
  errors: ChunkProblem[];
  walkStop?: ChunkProblem;
  headerCrcOk?: boolean;
  dataCrcOk?: boolean | null;
  /** The chunk's header (plain data), when the slot holds a chunk: its flags and record range. */
  header?: ChunkHeader;
}

export interface RenderChunkOptions extends ParseChunkOptions {
  /**
   * 'compiled' (default): straight from the template IR (compiled-xml.ts / compiled-json.ts);
   * 'tree': expand every record to a tree and render that (the reference path).
   */
  via?: 'compiled' | 'tree';
}

export function renderChunk(bytes: Uint8Array, index: number, fileOffset: number, format: DumpFormat, opts: RenderChunkOptions): RenderedChunk {
  let text = '';
  let ok = 0;
  const errors: ChunkProblem[] = [];
  const onError = (e: EvtxError): void => {
    errors.push({ offset: e.context.offset, recordId: e.context.recordId, message: e.message });
  };
  let chunk: ChunkResult;
  if (opts.via === 'tree') {
    const render = format === 'xml' ? recordToXml : recordToJsonLine;
    chunk = parseChunk(bytes, index, fileOffset, {
      ...opts,
      onRecord(r) {
        if (r.ok) {
          text += render(r.record) + '\n';
          ok++;
        } else onError(r.error);
      },
    });
  } else {
    let renderer: CompiledXml | CompiledJson | null = null;
    chunk = walkChunk(bytes, index, fileOffset, opts, {
      record(c, frags) {
        renderer ??= format === 'xml' ? new CompiledXml(c) : new CompiledJson(c);
        const line = renderer.record(frags);
        if (line === null) return false;
        text += line + '\n';
        ok++;
        return true;
      },
      error: onError,
    });
  }
  const out: RenderedChunk = { index, state: chunk.state, text, ok, errors };
  if (chunk.walkStop) out.walkStop = { offset: chunk.walkStop.context.offset, message: chunk.walkStop.message };
  if (chunk.header) out.header = chunk.header;
  if (chunk.header && chunk.header.headerCrcOk !== null) {
    out.headerCrcOk = chunk.header.headerCrcOk;
    out.dataCrcOk = chunk.header.dataCrcOk;
  }
  return out;
}
