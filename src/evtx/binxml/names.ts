/** Chunk name entries (evtx-format.md §1.5): u32 next, u16 hash, u16 count, count UTF-16 units, u16 NUL. */
import { decodeUtf16 } from '../bytes.js';
import { CHUNK_SIZE } from '../file-header.js';
import type { ChunkContext } from './context.js';


/** The name at a chunk offset (cached per chunk), or null when the entry does not fit in the chunk. */
export function nameAt(c: ChunkContext, off: number): string | null {
  const cached = c.names.get(off);
  if (cached !== undefined) return cached;
  if (off < 0 || off + 8 > CHUNK_SIZE) return null;
  const n = c.view.getUint16(off + 6, true);
  if (off + 8 + 2 * n > CHUNK_SIZE) return null;
  const name = decodeUtf16(c.bytes, off + 8, n);
  c.names.set(off, name);
  return name;
}
