/**
 * Whether a template definition at some chunk offset is the same as one compiled before, possibly
 * in another chunk at another offset. Definitions hold chunk offsets — of their own inline name
 * entries, of names elsewhere in the chunk, and the hash-chain link of each inline entry — so the
 * same template reads differently wherever it sits. Compiling records every position-dependent
 * field (`Relocs`); a definition matches when all other bytes are equal, inline names are inline
 * again, every other name reference names the same string, and the dependency-id guess (which
 * looks at offsets) comes out the same at each element.
 */
import type { ChunkContext } from './context.js';
import { nameAt } from './names.js';
import { CHUNK_HEADER_SIZE } from '../chunk-header.js';

/** A name offset pointing at the entry right after it (the entry's first 4 bytes, its chain link, vary too). */
export const RELOC_INLINE = 0;
/** A name offset pointing elsewhere: value = index of the name in `names`. */
export const RELOC_NAMED = 1;
/** An element start where the dependency-id layout was guessed: value = 1 with the id, 0 without. */
export const RELOC_DEP = 2;

export interface Relocs {
  /** Triples (kind, position relative to the definition body, value), in byte order. */
  list: number[];
  names: string[];
}

/** In template definitions the dependency id may be missing (plaso#4876): pick the layout whose name offset makes sense. */
export function hasDependencyIdAt(view: DataView, p: number, end: number): boolean {
  if (p + 10 > end) return p + 8 > end; // too short for either: let the reads report it
  const withDep = view.getUint32(p + 6, true);
  if (withDep === p + 10 || (withDep >= CHUNK_HEADER_SIZE && withDep < p)) return true;
  const without = view.getUint32(p + 4, true);
  if (without === p + 8 || (without >= CHUNK_HEADER_SIZE && without < p)) return false;
  return true;
}

/** a[ai, ai+n) equals the chunk's bytes at bi, compared 4 bytes at a time. */
function sameRange(a: DataView, ai: number, b: DataView, bi: number, n: number): boolean {
  let k = 0;
  for (; k + 4 <= n; k += 4) if (a.getInt32(ai + k) !== b.getInt32(bi + k)) return false;
  for (; k < n; k++) if (a.getUint8(ai + k) !== b.getUint8(bi + k)) return false;
  return true;
}

/** Whether the name entry at chunk offset `off` spells `name` (nameAt, without making a string). */
function nameIs(c: ChunkContext, off: number, name: string): boolean {
  const cached = c.names.get(off);
  if (cached !== undefined) return cached === name;
  if (off < 0 || off + 8 + 2 * name.length > c.bytes.length) return false;
  if (c.view.getUint16(off + 6, true) !== name.length) return nameAt(c, off) === name;
  for (let i = 0; i < name.length; i++) {
    const u = c.view.getUint16(off + 8 + 2 * i, true);
    // Surrogates (and a BOM) are where decoding may change the text: let nameAt decide.
    if ((u >= 0xd800 && u <= 0xdfff) || u === 0xfeff) return nameAt(c, off) === name;
    if (u !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** True when the body at chunk offset `start` (the template's size) compiles to `bytes`' template. */
export function sameDefinition(bytes: DataView, relocs: Int32Array, names: readonly string[], c: ChunkContext, start: number): boolean {
  const view = c.view;
  const cb = view;
  const size = bytes.byteLength;
  let i = 0;
  for (let k = 0; k < relocs.length; k += 3) {
    const kind = relocs[k];
    const rel = relocs[k + 1];
    if (kind === RELOC_DEP) continue;
    if (!sameRange(bytes, i, cb, start + i, rel - i)) return false;
    const off = view.getUint32(start + rel, true);
    if (kind === RELOC_INLINE) {
      if (off !== start + rel + 4) return false;
      i = rel + 8;
    } else {
      if (off === start + rel + 4 || !nameIs(c, off, names[relocs[k + 2]])) return false;
      i = rel + 4;
    }
  }
  if (!sameRange(bytes, i, cb, start + i, size - i)) return false;
  for (let k = 0; k < relocs.length; k += 3) {
    if (relocs[k] === RELOC_DEP && hasDependencyIdAt(view, start + relocs[k + 1], start + size) !== (relocs[k + 2] === 1)) return false;
  }
  return true;
}
