/**
 * Hand-built chunks exercising BinXML features the corpus lacks or has only rarely (CharRef,
 * CDATA, non-entity refs, arrays, NULL optional values, dependency ids, nested BinXml, broken
 * templates, deep nesting). Expected XML is written out by hand from the bytes built.
 */
import { describe, expect, it } from 'vitest';
import { parseChunk, type EvtxRecord, type RecordResult } from '../../src/evtx/chunk.js';
import { parseEvtxBuffer } from '../../src/evtx/file.js';
import { TemplateCache } from '../../src/evtx/binxml/template-cache.js';
import { recordToXml } from '../../src/evtx/render/xml.js';
import { recordToJson } from '../../src/evtx/render/json.js';
import { VT } from '../../src/evtx/binxml/value-types.js';
import { buildFile, ChunkBuilder, le, utf16z } from './helpers/binxml-builder.js';

const GUID = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

function xmlOf(r: RecordResult): string {
  if (!r.ok) throw r.error;
  return recordToXml(r.record);
}

function recordOf(r: RecordResult): EvtxRecord {
  if (!r.ok) throw r.error;
  return r.record;
}

/** <Event><Data>%0</Data><Binary>%1?</Binary><Opt A="%2?"/><Dep dep=3>x</Dep><Nested>%4</Nested></Event> */
function definition(b: ChunkBuilder, withDependencyIds = true): void {
  const dep = (d: number) => (withDependencyIds ? { dep: d } : {});
  b.fragmentHeader();
  b.open('Event', dep(0xffff)).closeStart();
  b.open('Data', dep(0xffff)).closeStart().subst(0, VT.String | VT.Array).end();
  b.open('Binary', dep(0xffff)).closeStart().subst(1, VT.Binary, true).end();
  b.open('Opt', { attrs: true, ...dep(0xffff) }).attr('A').subst(2, VT.String, true).closeEmpty();
  b.open('Dep', dep(3)).closeStart().text('x').end();
  b.open('Nested', dep(0xffff)).closeStart().subst(4, VT.BinXml).end();
  b.end().eof();
}

describe('hand-built BinXML', () => {
  it('template-less record: attributes, entity and char refs, CDATA', () => {
    const b = new ChunkBuilder();
    b.beginRecord(1n).fragmentHeader();
    b.open('Event', { attrs: true }).attr('xmlns').text('urn:x').closeStart();
    b.open('EventID', { attrs: true }).attr('Qualifiers').text('16384').closeStart().text('12290').end();
    b.open('Data').closeStart().text('a ').entityRef('amp').text(' b').charRef(0x41).cdata('<x>').entityRef('custom').end();
    b.end().eof().endRecord();
    const c = parseChunk(b.finish(), 0, 4096);
    // &amp; is the character '&'; CharRef 0x41 is 'A'; CDATA text is escaped on output; an entity
    // that XML does not predefine is kept as literal text.
    expect(xmlOf(c.records[0])).toBe('<Event xmlns="urn:x"><EventID Qualifiers="16384">12290</EventID><Data>a &amp; bA&lt;x&gt;&amp;custom;</Data></Event>');
    // Template-less values are text: JSON keeps them as strings.
    expect(recordToJson(recordOf(c.records[0]))).toEqual({
      Event: { '#attributes': { xmlns: 'urn:x' }, EventID: { '#attributes': { Qualifiers: '16384' }, '#text': '12290' }, Data: { '#text': 'a & bA<x>&custom;' } },
    });
  });

  it('templates: arrays repeat elements, NULL optionals drop, dependencies, nested BinXml, back-references', () => {
    const b = new ChunkBuilder();
    b.beginRecord(1n).fragmentHeader();
    const def = b.templateInline(GUID, (x) => definition(x), [
      [VT.String | VT.Array, utf16z('k', '', 'v')],
      [VT.Null, new Uint8Array(0)],
      [VT.Null, new Uint8Array(0)],
      [VT.Null, new Uint8Array(0)],
      [VT.BinXml, (x) => x.fragmentHeader().open('Inner').closeStart().text('t').end().eof()],
    ]);
    b.eof().endRecord();
    b.beginRecord(2n).fragmentHeader();
    b.templateRef(def, [
      [VT.String | VT.Array, utf16z('z')],
      [VT.Binary, new Uint8Array([0xab, 0x01])],
      [VT.String, utf16z('q')],
      [VT.UInt8, new Uint8Array([1])],
      [VT.Null, new Uint8Array(0)],
    ]);
    b.eof().endRecord();
    const c = parseChunk(b.finish(), 0, 4096);
    expect(c.records.length).toBe(2);
    // Record 1: three array items → three Data (the empty one self-closing); NULL optional Binary
    // removes the element; NULL optional attribute leaves <Opt/>; Dep depends on NULL value 3 → gone.
    expect(xmlOf(c.records[0])).toBe('<Event><Data>k</Data><Data/><Data>v</Data><Opt/><Nested><Inner>t</Inner></Nested></Event>');
    // Record 2 re-uses the definition by offset.
    expect(xmlOf(c.records[1])).toBe('<Event><Data>z</Data><Binary>AB01</Binary><Opt A="q"/><Dep>x</Dep><Nested/></Event>');
    expect(c.templates).toBe(1);
    // JSON: unnamed Data items as an array under #text.
    const json = recordToJson(recordOf(c.records[0])) as { Event: { Data: unknown } };
    expect(json.Event.Data).toEqual({ '#text': ['k', '', 'v'] });
  });

  it('reads template definitions written without dependency ids (plaso#4876)', () => {
    const b = new ChunkBuilder();
    b.beginRecord(1n).fragmentHeader();
    b.templateInline(GUID, (x) => definition(x, false), [
      [VT.String | VT.Array, utf16z('only')],
      [VT.Null, new Uint8Array(0)],
      [VT.Null, new Uint8Array(0)],
      [VT.Null, new Uint8Array(0)],
      [VT.Null, new Uint8Array(0)],
    ]);
    b.eof().endRecord();
    const c = parseChunk(b.finish(), 0, 4096);
    // Without dependency ids nothing marks <Dep> as dependent: it stays.
    expect(xmlOf(c.records[0])).toBe('<Event><Data>only</Data><Opt/><Dep>x</Dep><Nested/></Event>');
  });

  it('a reference to a missing template is an error for that record only', () => {
    const b = new ChunkBuilder();
    b.beginRecord(7n).fragmentHeader().templateRef(0x8000, []).eof().endRecord();
    b.beginRecord(8n).fragmentHeader().open('Ok').closeEmpty().eof().endRecord();
    const c = parseChunk(b.finish(), 3, 4096 + 3 * 65536);
    expect(c.records[0].ok).toBe(false);
    if (!c.records[0].ok) {
      expect(c.records[0].error.code).toBe('EVTX_MISSING_TEMPLATE');
      expect(c.records[0].error.context).toMatchObject({ chunk: 3, recordId: 7 });
    }
    expect(xmlOf(c.records[1])).toBe('<Ok/>');
  });

  it('deep nesting hits the limit instead of the stack', () => {
    const b = new ChunkBuilder();
    b.beginRecord(1n).fragmentHeader();
    const nameOffset = b.pos + 1 + 4 + 4;
    b.open('a').closeStart();
    for (let i = 0; i < 1000; i++) b.u8(0x01).u32(0).nameRef(nameOffset).closeStart();
    b.eof().endRecord();
    const c = parseChunk(b.finish(), 0, 4096);
    expect(c.records[0].ok).toBe(false);
    if (!c.records[0].ok) expect(c.records[0].error.code).toBe('EVTX_LIMIT');
  });

  it('compiles a template once across chunks (same GUID and bytes)', () => {
    const chunk = () => {
      const b = new ChunkBuilder();
      b.beginRecord(1n).fragmentHeader();
      b.templateInline(GUID, (x) => definition(x), [[VT.String | VT.Array, utf16z('a')]]);
      b.eof().endRecord();
      return b.finish();
    };
    const cache = new TemplateCache();
    const one = parseChunk(chunk(), 0, 4096, { cache });
    const two = parseChunk(chunk(), 1, 4096 + 65536, { cache });
    expect(cache.size).toBe(1);
    expect(xmlOf(two.records[0])).toBe(xmlOf(one.records[0]));
  });

  it('the template cache is bounded by definition bytes, and records read the same past the bound', () => {
    const chunk = (g: number) => {
      const b = new ChunkBuilder();
      b.beginRecord(1n).fragmentHeader();
      b.templateInline([g, ...GUID.slice(1)], (x) => definition(x), [[VT.String | VT.Array, utf16z('a')]]);
      b.eof().endRecord();
      return b.finish();
    };
    const unbounded = new TemplateCache();
    const bounded = new TemplateCache(10_000, 1000);
    const sizes: number[] = [];
    for (let g = 0; g < 12; g++) {
      const a = parseChunk(chunk(g), g, 4096 + g * 65536, { cache: unbounded });
      const b = parseChunk(chunk(g), g, 4096 + g * 65536, { cache: bounded });
      expect(xmlOf(b.records[0])).toBe(xmlOf(a.records[0]));
      expect(bounded.byteSize).toBeLessThanOrEqual(1000);
      sizes.push(bounded.size);
    }
    expect(unbounded.size).toBe(12); // one template per GUID
    // Each definition is the same number of bytes, so the bounded cache starts again every k of them.
    const perTemplate = unbounded.byteSize / 12;
    const k = Math.floor(1000 / perTemplate);
    expect(k).toBeGreaterThan(1);
    expect(sizes).toEqual(Array.from({ length: 12 }, (_, i) => (i % k) + 1));
  });

  it('a whole file: header count ignored, zero and garbage slots skipped', () => {
    const b = new ChunkBuilder();
    b.beginRecord(5n).fragmentHeader().open('E').closeEmpty().eof().endRecord();
    const garbage = new Uint8Array(65536).fill(0x5a);
    const file = buildFile([b.finish(), new Uint8Array(65536), garbage, b.bytes]);
    new DataView(file.buffer).setUint16(42, 1, true); // stale header: 1 chunk
    const p = parseEvtxBuffer(file);
    expect(p.chunks.map((c) => c.state)).toEqual(['ok', 'empty', 'bad-magic', 'ok']);
    expect(p.chunks.flatMap((c) => c.records).length).toBe(2);
    expect(p.header.crcOk).toBe(false); // the count was changed after the CRC was written
  });

  it('a file cut inside a chunk reports the short slot', () => {
    const b = new ChunkBuilder();
    b.beginRecord(5n).fragmentHeader().open('E').closeEmpty().eof().endRecord();
    const file = buildFile([b.finish()]).subarray(0, 4096 + 1000);
    const p = parseEvtxBuffer(file);
    expect(p.chunks.map((c) => c.state)).toEqual(['short']);
  });

  it('not an EVTX file: NotEvtxError', () => {
    expect(() => parseEvtxBuffer(new TextEncoder().encode('<Events></Events>'))).toThrow(expect.objectContaining({ code: 'EVTX_NOT_EVTX', name: 'NotEvtxError' }));
  });

  it('values that run past the record are a truncation error with offsets', () => {
    const b = new ChunkBuilder();
    b.beginRecord(9n).fragmentHeader();
    b.templateInline(GUID, (x) => definition(x), []);
    // Claim one more value than the record holds.
    b.view.setUint32(b.pos - 4, 50, true);
    b.eof().endRecord();
    const c = parseChunk(b.finish(), 0, 4096);
    expect(c.records[0].ok).toBe(false);
    if (!c.records[0].ok) {
      expect(c.records[0].error.code).toBe('EVTX_TRUNCATED');
      expect(c.records[0].error.message).toMatch(/template\.valueDescriptors.*offset 0x/);
    }
    void le;
  });
});
