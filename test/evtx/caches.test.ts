/**
 * The renderers cache the text of names (XML-safe names, quoted JSON keys, shape summaries), since
 * real logs repeat a few hundred names endlessly. Names come from the file, so a damaged or hostile
 * file can spell a new 64 KiB name in every record: the caches must not keep those. Before the
 * length limit, the loop below left 163 MB reachable (measured), and `npm run fuzz` (200,000
 * mutated chunks) 557 MB.
 */
import { describe, expect, it } from 'vitest';
import { parseChunk } from '../../src/evtx/chunk.js';
import { TemplateCache } from '../../src/evtx/binxml/template-cache.js';
import { VT } from '../../src/evtx/binxml/value-types.js';
import { jsonKey } from '../../src/evtx/render/json.js';
import { safeName } from '../../src/evtx/render/xml.js';
import { ChunkBuilder, utf16z } from './helpers/binxml-builder.js';
import { retainedHeap } from './helpers/gc.js';

const MB = 1024 * 1024;

function longName(i: number): string {
  return `N${i}_`.padEnd(8000, 'x');
}

describe('name caches hold short names only', () => {
  it('20,000 distinct long names leave no memory behind (jsonKey, safeName)', () => {
    const before = retainedHeap();
    for (let i = 0; i < 20_000; i++) {
      const name = longName(i);
      expect(jsonKey(name).length).toBe(name.length + 2);
      expect(safeName(name)).toBe(name);
    }
    expect(retainedHeap() - before).toBeLessThan(32 * MB);
  });
});

describe('the template cache is bounded by bytes', () => {
  it('a new 49 KB template in each of 600 chunks keeps under 150 MB reachable', () => {
    // Measured: bounded by count alone (10,000 templates) the cache kept 342 MB reachable after these
    // 600 chunks, since a compiled template is about 12 times its definition's bytes; 3,000 of
    // them kept 1.7 GB. With the 8 MiB bound on definition bytes, 49 MB at the end.
    const cache = new TemplateCache();
    const before = retainedHeap();
    let peak = 0;
    for (let g = 0; g < 600; g++) {
      const b = new ChunkBuilder();
      b.beginRecord(1n).fragmentHeader();
      const guid = [g & 255, g >> 8, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
      b.templateInline(
        guid,
        (x) => {
          x.fragmentHeader().open('Event', { dep: 0xffff }).closeStart();
          for (let e = 0; e < 1500; e++) x.open(`E${e % 50}`, { dep: 0xffff }).closeStart().subst(0, VT.String).end();
          x.end().eof();
        },
        [[VT.String, utf16z('a')]],
      );
      b.eof().endRecord();
      const r = parseChunk(b.finish(), g, 4096 + g * 65536, { cache }).records;
      expect(r[0]?.ok).toBe(true);
      if (g % 100 === 99) peak = Math.max(peak, retainedHeap() - before);
    }
    expect(cache.byteSize).toBeLessThanOrEqual(8 << 20);
    expect(peak).toBeLessThan(150 * MB);
  });
});
