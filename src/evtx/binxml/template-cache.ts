/**
 * Compiled templates shared across chunks. Each chunk writes its own copy of every template it
 * uses; equal bytes under the same GUID compile to the same thing, as long as the names the
 * definition borrows from elsewhere in its chunk are the same too.
 */
import type { ChunkContext } from './context.js';
import type { CompiledTemplate } from './ir.js';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class TemplateCache {
  private readonly byKey = new Map<string, CompiledTemplate[]>();
  private count = 0;
  constructor(private readonly maxEntries = 10_000) {}

  get size(): number {
    return this.count;
  }

  find(key: string, bytes: Uint8Array, ctx: ChunkContext, nameAt: (ctx: ChunkContext, off: number) => string | null): CompiledTemplate | undefined {
    const list = this.byKey.get(key);
    if (!list) return undefined;
    for (const t of list) {
      if (!sameBytes(t.bytes, bytes)) continue;
      if (t.externalNames.every(([off, name]) => nameAt(ctx, off) === name)) return t;
    }
    return undefined;
  }

  add(key: string, t: CompiledTemplate): void {
    if (this.count >= this.maxEntries) {
      this.byKey.clear();
      this.count = 0;
    }
    const list = this.byKey.get(key);
    if (list) list.push(t);
    else this.byKey.set(key, [t]);
    this.count++;
  }
}
