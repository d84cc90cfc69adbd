/**
 * How big a record becomes once expanded, computed without expanding it. A template may use one
 * substitution in several places, and a nested BinXml value may hold an instance of a template
 * that does the same: each level multiplies, so a record of a few hundred bytes can stand for
 * 2^60 elements (BinXML's "billion laughs"); and a name offset that points into the middle of
 * a chunk reads kilobytes of it as one name, which every element using it repeats. The weight of
 * an instance is its template's nodes and their names' and literal texts' characters, plus, for
 * each substitution, the times it is used × the value's weight: 1 + its byte size, or the nested
 * fragments' own weight: about the size of the record's text. Each nested value is weighed once,
 * so this is linear in the record's size. Every read path checks it against
 * `EvtxLimits.maxExpansion` (and the chunk's running total against `maxChunkExpansion`) before
 * rendering. The byte path (instance-slots.ts) counts a bound at least as large, so in a chunk
 * near its budget (only hostile files get there) it may stop a record or two sooner than the tree.
 */
import type { CompiledTemplate, Fragment, IrNode, TemplateWeight } from './ir.js';
import { IR_PI, IR_SUBST, IR_TEXT } from './ir.js';

/** Nodes plus the characters of their names and literal text (a damaged name offset can read 30 KB of a chunk as one name). */
function countNodes(nodes: IrNode[], uses: number[]): number {
  let n = 0;
  for (const node of nodes) {
    n++;
    if (node.k === IR_SUBST) uses[node.index] = (uses[node.index] ?? 0) + 1;
    else if (node.k === IR_TEXT) n += node.text.length;
    else if (node.k === IR_PI) n += node.target.length + node.data.length;
    else {
      n += node.name.length;
      for (const a of node.attrs) {
        n += 1 + a.name.length;
        for (const part of a.parts) {
          if (part.k === IR_SUBST) uses[part.index] = (uses[part.index] ?? 0) + 1;
          else n += part.text.length;
        }
      }
      n += countNodes(node.children, uses);
    }
  }
  return n;
}

export function templateWeight(t: CompiledTemplate): TemplateWeight {
  if (t.weight === undefined) {
    const uses: number[] = [];
    const nodes = countNodes(t.nodes, uses);
    const counts = Int32Array.from(uses, (u) => u ?? 0);
    t.weight = { nodes, uses: counts, totalUses: counts.reduce((a, b) => a + b, 0), maxUses: counts.reduce((a, b) => Math.max(a, b), 0) };
  }
  return t.weight;
}

/** Expanded weight of a record's fragments; stops counting once past `limit` (the result is then > limit). */
export function fragmentsWeight(frags: readonly Fragment[], limit: number): number {
  let w = 0;
  for (const f of frags) {
    if (f.kind === 'tree') {
      w += countNodes(f.nodes, []);
    } else {
      const { nodes, uses } = templateWeight(f.template);
      w += nodes;
      const { sizes, nested } = f.values;
      const n = Math.min(uses.length, sizes.length);
      for (let i = 0; i < n && w <= limit; i++) {
        if (uses[i] === 0) continue;
        const inner = nested?.[i];
        w += uses[i] * (inner !== undefined ? fragmentsWeight(inner, limit) : 1 + sizes[i]);
      }
    }
    if (w > limit) return w;
  }
  return w;
}
