/**
 * One chunk → rendered text plus its problems, in a plain-data shape: the reference path
 * (parse → record tree → render/xml.ts, render/json.ts) that every faster path is held to.
 */
import { parseChunk, type ChunkResult, type ChunkState, type ParseChunkOptions } from '../chunk.js';
import type { ChunkHeader } from '../chunk-header.js';
import type { EvtxError } from '../errors.js';
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
  /** The chunk's header (plain data), when the slot holds a chunk: its flags and record range. */
  header?: ChunkHeader;
}

/** A chunk's facts without its text: what every render path reports alike. */
export type ChunkFacts = Omit<RenderedChunk, 'text'>;

export function problemOf(e: EvtxError): ChunkProblem {
  return { offset: e.context.offset, recordId: e.context.recordId, message: e.message };
}

/** The facts of a walked chunk, given its record and error counts. */
export function chunkFacts(chunk: ChunkResult, ok: number, errors: ChunkProblem[]): ChunkFacts {
  const out: ChunkFacts = { index: chunk.index, state: chunk.state, ok, errors };
  if (chunk.walkStop) out.walkStop = { offset: chunk.walkStop.context.offset, message: chunk.walkStop.message };
  if (chunk.header) out.header = chunk.header;
  if (chunk.header && chunk.header.headerCrcOk !== null) {
    out.headerCrcOk = chunk.header.headerCrcOk;
    out.dataCrcOk = chunk.header.dataCrcOk;
  }
  return out;
}

export function renderChunk(bytes: Uint8Array, index: number, fileOffset: number, format: DumpFormat, opts: ParseChunkOptions): RenderedChunk {
  let text = '';
  let ok = 0;
  const errors: ChunkProblem[] = [];
  const render = format === 'xml' ? recordToXml : recordToJsonLine;
  const chunk = parseChunk(bytes, index, fileOffset, {
    ...opts,
    onRecord(r) {
      if (r.ok) {
        text += render(r.record) + '\n';
        ok++;
      } else errors.push(problemOf(r.error));
    },
  });
  const facts = chunkFacts(chunk, ok, errors);
  return { ...facts, text };
}
