/**
 * Expansion limit: a template that uses one nested BinXml value twice, nested in itself level
 * after level, makes a record of a few hundred bytes stand for 2^depth elements (the BinXML form
 * of "billion laughs"). Every reader path must turn such a record into an EVTX_LIMIT error value
 * at once, and still render an ordinary record right after it.
 */
import { describe, expect, it } from 'vitest';
import { parseChunk, type RecordResult } from '../../src/evtx/chunk.js';
import { renderChunkBytes } from '../../src/evtx/render/chunk-bytes.js';
import { ByteOut } from '../../src/evtx/render/byte-out.js';
import { renderChunk } from '../../src/evtx/render/chunk-output.js';
import { evtxChunkItems } from '../../src/sources/evtx.js';
import { TemplateCache } from '../../src/evtx/binxml/template-cache.js';
import { VT } from '../../src/evtx/binxml/value-types.js';
import { DEFAULT_LIMITS } from '../../src/evtx/binxml/context.js';
import { ChunkBuilder, utf16z } from './helpers/binxml-builder.js';

const GUID = [9, 9, 9, 9, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

/** Record 1: `depth` levels of <A>%0%0</A>, %0 the next level, the last one's %0 the text "x". Record 2: <Event><B>ok</B></Event>. */
function laughs(depth: number): Uint8Array {
  const b = new ChunkBuilder();
  b.beginRecord(1n);
  b.fragmentHeader();
  const at = b.pos;
  const defOffset = at + 10; // 0x0c, version, template id u32, definition offset u32
  const level = (n: number) => (x: ChunkBuilder) => {
    x.fragmentHeader();
    x.templateRef(defOffset, [n === 0 ? [VT.String, utf16z('x')] : [VT.BinXml, level(n - 1)]]);
    x.eof();
  };
  b.templateInline(
    GUID,
    (x) => x.fragmentHeader().open('A', { dep: 0xffff }).closeStart().subst(0, VT.BinXml).subst(0, VT.BinXml).end().eof(),
    [[VT.BinXml, level(depth - 2)]],
  );
  b.eof();
  b.endRecord();
  b.beginRecord(2n);
  b.fragmentHeader().open('Event').closeStart().open('B').closeStart().text('ok').end().end().eof();
  b.endRecord();
  return b.finish();
}

function expectLimit(r: RecordResult | undefined): void {
  expect(r?.ok).toBe(false);
  if (r && !r.ok) {
    expect(r.error.code).toBe('EVTX_LIMIT');
    expect(r.error.message).toMatch(/expands to more than/);
    expect(r.error.context.recordId).toBe(1);
  }
}

describe('a record that expands exponentially', () => {
  it('a small depth still renders: 7 levels', () => {
    const r = parseChunk(laughs(7), 0, 4096).records[0];
    expect(r.ok).toBe(true);
    const text = renderChunk(laughs(7), 0, 4096, 'xml', {}).text;
    // Level k (1 at the top) is 2^(k-1) <A> elements: 1 + 2 + ... + 64 = 127, holding 2 × 64 = 128 "x".
    expect(text.match(/<A>/g)?.length).toBe(127);
    expect(text.match(/x/g)?.length).toBe(128);
  });

  it('60 levels (2^60 - 1 elements) is a limit error on every path, and the next record is read', () => {
    const chunk = laughs(60);
    const tree = parseChunk(chunk, 0, 4096).records;
    expectLimit(tree[0]);
    expect(tree[1]?.ok).toBe(true);
    for (const format of ['xml', 'jsonl'] as const) {
      const out = new ByteOut(1 << 16);
      const bytes = renderChunkBytes(chunk, 0, 4096, format, {}, out);
      expect(bytes.ok).toBe(1);
      expect(bytes.errors).toHaveLength(1);
      expect(bytes.errors[0].message).toMatch(/EVTX_LIMIT|expands to more than/);
      expect(new TextDecoder().decode(out.buf.subarray(0, out.pos))).toContain('ok');
      const strings = renderChunk(chunk, 0, 4096, format, {});
      expect(strings.ok, format).toBe(1);
      expect(strings.errors[0]?.message, format).toMatch(/expands to more than/);
    }
    // Ingest: the record is an issue, the chunk's other record is still read.
    const items = evtxChunkItems({ bytes: chunk, index: 0, offset: 4096 }, new TemplateCache(), { file: 'laughs.evtx', timezone: 'UTC' }, 0).items;
    expect(items.filter((i) => !i.ok).map((i) => (i.ok ? '' : i.issue.reason))).toEqual([
      expect.stringMatching(/expands to more than/),
      'record 2: no System/EventID',
    ]);
  });

  it('the records of a chunk share a budget too: past it, each further record is a limit error', () => {
    // Ten records of <E>%0</E> with a 100-unit string: weight 3 (E: 1 + 1 name character, the
    // substitution 1) + 201 (1 + 200 value bytes) = 204 each. With a budget of 1,000, records 1–4
    // (816) fit and the fifth (1,020) does not.
    const b = new ChunkBuilder();
    let def = 0;
    for (let id = 1; id <= 10; id++) {
      b.beginRecord(BigInt(id)).fragmentHeader();
      const value: [number, Uint8Array] = [VT.String, utf16z('v'.repeat(99))];
      if (id === 1) def = b.templateInline(GUID, (x) => x.fragmentHeader().open('E', { dep: 0xffff }).closeStart().subst(0, VT.String).end().eof(), [value]);
      else b.templateRef(def, [value]);
      b.eof().endRecord();
    }
    const chunk = b.finish();
    const limits = { ...DEFAULT_LIMITS, maxChunkExpansion: 1000 };
    const tree = parseChunk(chunk, 0, 4096, { limits }).records;
    expect(tree.map((r) => r.ok)).toEqual([true, true, true, true, false, false, false, false, false, false]);
    const bad = tree[4];
    expect(bad.ok ? '' : bad.error.message).toMatch(/chunk's records expand to more than 1,000 nodes/);
    const out = new ByteOut(1 << 16);
    const bytes = renderChunkBytes(chunk, 0, 4096, 'jsonl', { limits, stats: { programs: 0, trees: 0 } }, out);
    expect(bytes.ok).toBe(4);
    expect(bytes.errors.map((e) => e.recordId)).toEqual([5, 6, 7, 8, 9, 10]);
    // Without the budget all ten render.
    expect(parseChunk(chunk, 0, 4096).records.every((r) => r.ok)).toBe(true);
  });
});
