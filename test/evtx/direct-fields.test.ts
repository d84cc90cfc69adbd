/**
 * Ingest's field path without the record tree (src/evtx/render/shape-fields.ts) must give exactly the
 * RawEvents and issues the tree path (expand → fields.ts, itself checked against evtxexport in
 * source.test.ts) gives: every record of every corpus file.
 */
import { describe, expect, it } from 'vitest';
import { TemplateCache } from '../../src/evtx/binxml/template-cache.js';
import { walkChunkFields } from '../../src/evtx/record-fields.js';
import { chunkSlots } from '../../src/evtx/file.js';
import { evtxChunkItems } from '../../src/sources/evtx.js';
import type { SourceItem } from '../../src/sources/types.js';
import { evtxFiles, readCorpus } from './helpers/corpus.js';

function items(bytes: Uint8Array, file: string, via: 'direct' | 'tree'): SourceItem[] {
  const cache = new TemplateCache();
  const out: SourceItem[] = [];
  let index = 0;
  for (const s of chunkSlots(bytes)) {
    const r = evtxChunkItems(s, cache, { file, timezone: 'UTC' }, index, via);
    index = r.index;
    out.push(...r.items);
  }
  return out;
}

/** Records the direct path answers itself (the rest fall back to the tree). */
function directCount(bytes: Uint8Array): { direct: number; all: number } {
  const cache = new TemplateCache();
  const stats = { direct: 0, trees: 0 };
  for (const s of chunkSlots(bytes)) walkChunkFields(s.bytes, s.index, s.offset, { cache, stats }, { record() {}, error() {} });
  return { direct: stats.direct, all: stats.direct + stats.trees };
}

describe('direct field extraction equals the tree path', () => {
  let direct = 0;
  let all = 0;
  for (const row of evtxFiles()) {
    it(row.file, () => {
      const bytes = readCorpus(row.file);
      const tree = items(bytes, row.file, 'tree');
      const fast = items(bytes, row.file, 'direct');
      expect(fast.length).toBe(tree.length);
      for (let i = 0; i < tree.length; i++) if (!Object.is(fast[i], tree[i])) expect({ i, item: fast[i] }).toEqual({ i, item: tree[i] });
      const n = directCount(bytes);
      direct += n.direct;
      all += n.all;
    });
  }
  it('answers nearly every corpus record without the tree', () => {
    // Without this the equality above could hold with every record falling back.
    expect(all).toBeGreaterThan(10_000);
    // The shapes the dump's byte programs take (17,132 of 18,055 corpus records); the rest —
    // template-less records (Defender), CAPI2's, a few others — go through the tree, as they do in the dump.
    expect(direct / all).toBeGreaterThan(0.9);
  });
});
