/**
 * One chunk → UTF-8 bytes appended to a ByteOut: the byte twin of chunk-output.ts `renderChunk`
 * (same records, same text, same problems). Records of a known shape go through their byte
 * program (shape-programs.ts); any other record is rendered by compiled-xml.ts / compiled-json.ts
 * and encoded, so the output never depends on which way a record went.
 */
import { FlatValues } from '../binxml/flat-values.js';
import { walkChunk, type ParseChunkOptions } from '../chunk.js';
import type { EvtxError } from '../errors.js';
import type { ByteOut } from './byte-out.js';
import type { ChunkProblem, DumpFormat, RenderedChunk } from './chunk-output.js';
import { CompiledJson } from './compiled-json.js';
import { CompiledXml } from './compiled-xml.js';
import { programFor, roomFor, runProgram } from './shape-programs.js';

/** A rendered chunk's facts; its text is out.buf[start, end). */
export type ChunkSummary = Omit<RenderedChunk, 'text' | 'data'> & { start: number; end: number };

export interface RenderBytesOptions extends ParseChunkOptions {
  /** Scratch for record values, reused across chunks (one per thread). */
  flat?: FlatValues;
  /** Counts records rendered through byte programs (tests check the fast path is taken). */
  stats?: { programs: number; strings: number };
}

export function renderChunkBytes(bytes: Uint8Array, index: number, fileOffset: number, format: DumpFormat, opts: RenderBytesOptions, out: ByteOut): ChunkSummary {
  const start = out.pos;
  const flat = opts.flat ?? new FlatValues();
  const stats = opts.stats;
  let ok = 0;
  const errors: ChunkProblem[] = [];
  let renderer: CompiledXml | CompiledJson | null = null;
  const chunk = walkChunk(bytes, index, fileOffset, opts, {
    raw(c, from, to) {
      try {
        if (!flat.read(c, from, to)) return false;
        const prog = programFor(flat, format);
        if (prog === null) return false;
        out.ensure(roomFor(prog, flat, to - from));
        const end = runProgram(prog, out.buf, out.pos, c.bytes, c.view, flat, 0);
        // Typed arrays drop writes past their end: a wrong room estimate must not lose output.
        if (end > out.buf.length) return false;
        out.pos = end;
      } catch {
        return false;
      }
      ok++;
      if (stats) stats.programs++;
      return true;
    },
    record(c, frags) {
      renderer ??= format === 'xml' ? new CompiledXml(c) : new CompiledJson(c);
      const line = renderer.record(frags);
      if (line === null) return false;
      out.string(line);
      out.string('\n');
      ok++;
      if (stats) stats.strings++;
      return true;
    },
    error(e: EvtxError) {
      errors.push({ offset: e.context.offset, recordId: e.context.recordId, message: e.message });
    },
  });
  const summary: ChunkSummary = { index, state: chunk.state, ok, errors, start, end: out.pos };
  if (chunk.walkStop) summary.walkStop = { offset: chunk.walkStop.context.offset, message: chunk.walkStop.message };
  if (chunk.header) summary.header = chunk.header;
  if (chunk.header && chunk.header.headerCrcOk !== null) {
    summary.headerCrcOk = chunk.header.headerCrcOk;
    summary.dataCrcOk = chunk.header.dataCrcOk;
  }
  return summary;
}
