/**
 * One chunk → rendered text plus its problems, in a plain-data shape that can cross a worker
 * boundary. Used by the single-threaded path and by the worker alike, so both print the same.
 */
import { parseChunk, type ChunkState, type ParseChunkOptions } from '../chunk.js';
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
  /** Records' text, one per line, each line ending with '\n'. */
  text: string;
  ok: number;
  errors: ChunkProblem[];
  walkStop?: ChunkProblem;
  headerCrcOk?: boolean;
  dataCrcOk?: boolean | null;
}

export function renderChunk(bytes: Uint8Array, index: number, fileOffset: number, format: DumpFormat, opts: ParseChunkOptions): RenderedChunk {
  const render = format === 'xml' ? recordToXml : recordToJsonLine;
  const lines: string[] = [];
  const errors: ChunkProblem[] = [];
  const chunk = parseChunk(bytes, index, fileOffset, {
    ...opts,
    onRecord(r) {
      if (r.ok) lines.push(render(r.record));
      else errors.push({ offset: r.error.context.offset, recordId: r.error.context.recordId, message: r.error.message });
    },
  });
  const out: RenderedChunk = {
    index,
    state: chunk.state,
    text: lines.length ? lines.join('\n') + '\n' : '',
    ok: lines.length,
    errors,
  };
  if (chunk.walkStop) out.walkStop = { offset: chunk.walkStop.context.offset, message: chunk.walkStop.message };
  if (chunk.header) {
    out.headerCrcOk = chunk.header.headerCrcOk;
    out.dataCrcOk = chunk.header.dataCrcOk;
  }
  return out;
}
