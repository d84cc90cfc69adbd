/**
 * One chunk → UTF-8 bytes appended to a ByteOut (what `evtx dump` runs): the same records, text
 * and problems as chunk-output.ts `renderChunk`, the reference. A record of a shape with a byte
 * program (shape-programs.ts) is only its values' bytes; any other record (about 5 % of the
 * corpus's: template-less, arrays in attributes, nested BinXml at the top) goes through the
 * record tree and the reference renderers, so the output never depends on which way it went.
 */
import { Expander } from '../binxml/expand.js';
import { FlatValues } from '../binxml/instance-slots.js';
import { walkChunk, type ParseChunkOptions } from '../chunk.js';
import type { XmlNode } from '../tree.js';
import type { ByteOut } from './byte-out.js';
import { chunkFacts, problemOf, type ChunkFacts, type ChunkProblem, type DumpFormat } from './chunk-output.js';
import { nodesToJsonLine } from './json.js';
import { programFor, roomFor, runProgram } from './shape-programs.js';
import { renderNodesXml } from './xml.js';

/** A rendered chunk's facts; its text is out.buf[start, end). */
export type ChunkSummary = ChunkFacts & { start: number; end: number };

export interface RenderBytesOptions extends ParseChunkOptions {
  /** Scratch for record values, reused across chunks (one per thread). */
  flat?: FlatValues;
  /** Counts records rendered through byte programs and through the tree (tests check the fast path is taken). */
  stats?: { programs: number; trees: number };
}

export function renderChunkBytes(bytes: Uint8Array, index: number, fileOffset: number, format: DumpFormat, opts: RenderBytesOptions, out: ByteOut): ChunkSummary {
  const start = out.pos;
  const flat = opts.flat ?? new FlatValues();
  const stats = opts.stats;
  const render = format === 'xml' ? renderNodesXml : nodesToJsonLine;
  let ok = 0;
  const errors: ChunkProblem[] = [];
  let expander: Expander | null = null;
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
      const nodes: XmlNode[] = [];
      (expander ??= new Expander(c)).fragments(frags, nodes, 0);
      if (!nodes.some((n) => n.type === 'element')) return false;
      out.string(render(nodes));
      out.string('\n');
      ok++;
      if (stats) stats.trees++;
      return true;
    },
    error(e) {
      errors.push(problemOf(e));
    },
  });
  return { ...chunkFacts(chunk, ok, errors), start, end: out.pos };
}
