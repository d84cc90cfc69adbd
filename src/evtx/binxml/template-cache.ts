/**
 * Compiled templates shared across chunks. Each chunk writes its own copy of every template it
 * uses, at its own offset; a copy with the same GUID and size that template-match.ts finds equal
 * (bytes, names, layout) compiles to the same thing and is taken from here.
 */
import type { ChunkContext, TemplateStore } from './context.js';
import type { CompiledTemplate } from './ir.js';
import { sameDefinition } from './template-match.js';

/** Hash of a definition header's GUID (offset + 4, 16 bytes) and body size. */
function keyOf(c: ChunkContext, defOffset: number, size: number): number {
  let h = Math.imul(0x811c9dc5 ^ size, 0x01000193);
  for (let i = 4; i < 20; i += 4) h = Math.imul(h ^ c.view.getInt32(defOffset + i, true), 0x01000193);
  return h;
}

function sameGuid(t: CompiledTemplate, bytes: Uint8Array, at: number): boolean {
  const g = t.guidBytes;
  for (let i = 0; i < 16; i++) if (g[i] !== bytes[at + i]) return false;
  return true;
}

/**
 * Templates kept at most, by count and by definition bytes: a real log has tens to hundreds
 * (the benchmark file, cycled from 40-odd logs, 577 in 273 KB), while a hostile file could define
 * a new 64 KiB template in every chunk, each compiling to about 12 times its size
 * (test/evtx/caches.test.ts). Past either
 * bound the cache starts again (templates are then compiled again as they are met).
 */
export const TEMPLATE_CACHE_ENTRIES = 10_000;
export const TEMPLATE_CACHE_BYTES = 8 << 20;

export class TemplateCache implements TemplateStore {
  private readonly byKey = new Map<number, CompiledTemplate[]>();
  private count = 0;
  private bytes = 0;
  private ids = 0;
  constructor(
    private readonly maxEntries = TEMPLATE_CACHE_ENTRIES,
    private readonly maxBytes = TEMPLATE_CACHE_BYTES,
  ) {}

  nextId(): number {
    return ++this.ids;
  }

  get size(): number {
    return this.count;
  }

  /** A template compiled before that equals the definition at `defOffset` (body `size` bytes). */
  find(c: ChunkContext, defOffset: number, size: number): CompiledTemplate | undefined {
    const list = this.byKey.get(keyOf(c, defOffset, size));
    if (!list) return undefined;
    for (const t of list) {
      if (t.bytes.length === size && sameGuid(t, c.bytes, defOffset + 4) && sameDefinition(t.bytesView, t.relocs, t.relocNames, c, defOffset + 24)) return t;
    }
    return undefined;
  }

  /** Definition bytes of the templates held. */
  get byteSize(): number {
    return this.bytes;
  }

  add(c: ChunkContext, defOffset: number, t: CompiledTemplate): void {
    if (this.count >= this.maxEntries || this.bytes + t.bytes.length > this.maxBytes) {
      this.byKey.clear();
      this.count = 0;
      this.bytes = 0;
    }
    const key = keyOf(c, defOffset, t.bytes.length);
    const list = this.byKey.get(key);
    if (list) list.push(t);
    else this.byKey.set(key, [t]);
    this.count++;
    this.bytes += t.bytes.length;
  }
}
