/**
 * The compiled render path (render/compiled-xml.ts, render/compiled-json.ts) must print exactly
 * what the tree path (expand → render/xml.ts, render/json.ts) prints: every record of every corpus
 * file, XML and JSON, plus the same errors, walk stops and CRC results per chunk. The tree path is
 * the reference the corpus, peer and snapshot tests check against independent tools.
 */
import { describe, expect, it } from 'vitest';
import { TemplateCache } from '../../src/evtx/binxml/template-cache.js';
import { chunkSlots } from '../../src/evtx/file.js';
import { renderChunk, type DumpFormat } from '../../src/evtx/render/chunk-output.js';
import { ChunkBuilder } from './helpers/binxml-builder.js';
import { evtxFiles, readCorpus } from './helpers/corpus.js';

function compare(bytes: Uint8Array, format: DumpFormat): number {
  // Separate caches: the compiled path memoises plans on cached templates.
  const treeCache = new TemplateCache();
  const fastCache = new TemplateCache();
  let records = 0;
  for (const s of chunkSlots(bytes)) {
    const tree = renderChunk(s.bytes, s.index, s.offset, format, { cache: treeCache, via: 'tree' });
    const fast = renderChunk(s.bytes, s.index, s.offset, format, { cache: fastCache });
    const a = tree.text.split('\n');
    const b = fast.text.split('\n');
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) expect({ chunk: s.index, line: i, text: b[i] }).toEqual({ chunk: s.index, line: i, text: a[i] });
    }
    expect(fast).toEqual(tree);
    records += tree.ok;
  }
  return records;
}

describe('compiled templates render like the tree path', () => {
  for (const row of evtxFiles()) {
    it(`${row.file}: XML and JSON identical`, () => {
      const bytes = readCorpus(row.file);
      const n = compare(bytes, 'xml');
      expect(compare(bytes, 'jsonl')).toBe(n);
    });
  }

  it('hand-made chunk: arrays, optional and dependent elements, empty attributes, repeated names', () => {
    // Template: <E A="%0" B="x%1"><Data>%2</Data><O>%3</O><D/ dep 4><R>%5</R><R>y</R></E>
    // values: 0 NULL, 1 "", 2 string array [a, "", b], 3 NULL (optional), 4 NULL, 5 "z"
    const b = new ChunkBuilder();
    b.beginRecord(1n).fragmentHeader().u8(0x0c).u8(1).u32(0);
    const defOffset = b.pos + 4;
    b.u32(defOffset).u32(0).raw(new Uint8Array(16));
    const sizeAt = b.pos;
    b.u32(0);
    const bodyStart = b.pos;
    b.fragmentHeader();
    b.open('E', { attrs: true, dep: 0xffff }).attr('A', true).subst(0, 1).attr('B').text('x').subst(1, 1).closeStart();
    b.open('Data', { dep: 0xffff }).closeStart().subst(2, 0x81).end();
    b.open('O', { dep: 0xffff }).closeStart().subst(3, 1, true).end();
    b.open('D', { dep: 4 }).closeEmpty();
    b.open('R', { dep: 0xffff }).closeStart().subst(5, 1).end();
    b.open('R', { dep: 0xffff }).closeStart().text('y').end();
    b.end().eof();
    b.view.setUint32(sizeAt, b.pos - bodyStart, true);
    const arr = [...'a\0\0b\0'].flatMap((ch) => [ch.charCodeAt(0), 0]);
    const vals: Array<[number, number[]]> = [[0, []], [1, []], [0x81, arr], [0, []], [0, []], [1, [0x7a, 0]]];
    b.u32(vals.length);
    for (const [t, v] of vals) b.u16(v.length).u8(t).u8(0);
    for (const [, v] of vals) b.raw(v);
    b.eof().endRecord();
    const chunk = b.finish();
    const file = new Uint8Array(4096 + 65536);
    file.set(chunk, 4096);
    for (const format of ['xml', 'jsonl'] as const) {
      const [slot] = [...chunkSlots(file)];
      const tree = renderChunk(slot.bytes, 0, 4096, format, { via: 'tree' });
      const fast = renderChunk(slot.bytes, 0, 4096, format, {});
      expect(tree.ok).toBe(1);
      expect(fast).toEqual(tree);
    }
    // By hand: A (NULL) and B's empty %1 → B="x"; the 3 array items repeat <Data>, the empty one
    // self-closes; <O> (optional NULL, nothing else) and <D> (depends on NULL %4) are left out.
    const [slot] = [...chunkSlots(file)];
    expect(renderChunk(slot.bytes, 0, 4096, 'xml', {}).text).toBe('<E B="x"><Data>a</Data><Data/><Data>b</Data><R>z</R><R>y</R></E>\n');
    expect(JSON.parse(renderChunk(slot.bytes, 0, 4096, 'jsonl', {}).text)).toEqual({
      E: { '#attributes': { B: 'x' }, Data: { '#text': ['a', '', 'b'] }, R: ['z', 'y'] },
    });
  });
});
