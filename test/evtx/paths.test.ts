/**
 * Every output path against the reference: each record of each EVTX file in the repository,
 * rendered as XML and as JSON lines through the tree (`renderChunk`: parse → tree → render/xml.ts,
 * render/json.ts, whose output the corpus, peer and snapshot tests hold to independent tools),
 * must come out byte for byte the same through
 *   - `renderChunkBytes` (byte programs, the tree for other shapes: what `evtx dump` runs per chunk),
 *   - `dumpEvtxFile` on one thread and on two (a worker renders every batch),
 * with the same per-chunk facts (records, errors, walk stop, CRC results). And the fields ingest
 * reads straight from record values (`walkChunkFields`, render/shape-fields.ts) must equal those
 * `fields.ts` reads off each record's tree, for every record.
 *
 * Known differences between the paths: none.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateCache } from '../../src/evtx/binxml/template-cache.js';
import { walkChunkFields, type FieldPath, type RecordFields } from '../../src/evtx/record-fields.js';
import { chunkSlots } from '../../src/evtx/file.js';
import { dumpEvtxFile } from '../../src/evtx/node/parallel.js';
import { ByteOut } from '../../src/evtx/render/byte-out.js';
import { renderChunkBytes } from '../../src/evtx/render/chunk-bytes.js';
import { renderChunk, type ChunkFacts, type DumpFormat } from '../../src/evtx/render/chunk-output.js';
import { real64File } from '../fixtures/peers/cases.js';
import { ChunkBuilder } from './helpers/binxml-builder.js';
import { corpusDir, evtxFiles } from './helpers/corpus.js';

const FILES = [...evtxFiles().map((r) => path.join(corpusDir, r.file)), real64File];
const FORMATS: DumpFormat[] = ['xml', 'jsonl'];

/** A chunk's facts without its text. */
function facts(c: ChunkFacts & { text?: string; start?: number; end?: number }): object {
  const { text: _t, start: _s, end: _e, ...rest } = c;
  return rest;
}

interface Reference {
  text: string;
  chunks: object[];
  records: number;
}

function reference(bytes: Uint8Array, format: DumpFormat): Reference {
  const cache = new TemplateCache();
  let text = '';
  let records = 0;
  const chunks: object[] = [];
  for (const s of chunkSlots(bytes)) {
    const r = renderChunk(s.bytes, s.index, s.offset, format, { cache });
    text += r.text;
    records += r.ok;
    chunks.push(facts(r));
  }
  return { text, chunks, records };
}

/** Line by line first, so that a difference names its line rather than printing two whole files. */
function expectSameText(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  const a = actual.split('\n');
  const b = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) expect({ what, line: i, text: a[i] }).toEqual({ what, line: i, text: b[i] });
  }
  expect(actual).toBe(expected);
}

function viaBytes(bytes: Uint8Array, format: DumpFormat): { text: string; chunks: object[] } {
  const cache = new TemplateCache();
  const out = new ByteOut(1 << 16);
  const chunks: object[] = [];
  for (const s of chunkSlots(bytes)) chunks.push(facts(renderChunkBytes(s.bytes, s.index, s.offset, format, { cache }, out)));
  return { text: new TextDecoder().decode(out.buf.subarray(0, out.pos)), chunks };
}

async function viaDump(file: string, format: DumpFormat, threads: number): Promise<{ text: string; chunks: object[] }> {
  const parts: Uint8Array[] = [];
  const chunks: object[] = [];
  // renderHere false: with two threads the worker renders every batch, even of a one-batch file.
  for await (const b of dumpEvtxFile(file, { format, threads, renderHere: threads === 1 })) {
    parts.push(b.data.slice());
    for (const c of b.chunks) chunks.push(facts(c));
    b.release();
  }
  return { text: Buffer.concat(parts).toString('utf8'), chunks };
}

/** Every record's fields with their record ids, and the errors, through one field path. */
function fieldsOf(bytes: Uint8Array, via: FieldPath, stats?: { direct: number; trees: number }): Array<RecordFields & { recordId: number } | { error: string }> {
  const cache = new TemplateCache();
  const out: Array<RecordFields & { recordId: number } | { error: string }> = [];
  for (const s of chunkSlots(bytes)) {
    walkChunkFields(s.bytes, s.index, s.offset, { cache, via, stats }, {
      record: (f, h) => void out.push({ ...f, recordId: h.recordId }),
      error: (e) => void out.push({ error: e.message }),
    });
  }
  return out;
}

describe('every output path prints what the tree path prints', () => {
  for (const file of FILES) {
    it(path.basename(file), async () => {
      const bytes = new Uint8Array(readFileSync(file));
      for (const format of FORMATS) {
        const ref = reference(bytes, format);
        const paths = {
          renderChunkBytes: viaBytes(bytes, format),
          'dump, 1 thread': await viaDump(file, format, 1),
          'dump, 2 threads': await viaDump(file, format, 2),
        };
        for (const [name, got] of Object.entries(paths)) {
          expectSameText(got.text, ref.text, `${format} ${name}`);
          expect(got.chunks, `${format} ${name}`).toEqual(ref.chunks);
        }
      }
    }, 60_000);
  }
});

describe('the expansion rules on a hand-made chunk', () => {
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
    const [slot] = [...chunkSlots(file)];
    const viaBytes = (format: DumpFormat) => {
      const out = new ByteOut(1 << 16);
      renderChunkBytes(slot.bytes, 0, 4096, format, {}, out);
      return new TextDecoder().decode(out.buf.subarray(0, out.pos));
    };
    for (const format of ['xml', 'jsonl'] as const) {
      const tree = renderChunk(slot.bytes, 0, 4096, format, {});
      expect(tree.ok).toBe(1);
      expect(viaBytes(format)).toBe(tree.text);
    }
    // By hand: A (NULL) and B's empty %1 → B="x"; the 3 array items repeat <Data>, the empty one
    // self-closes; <O> (optional NULL, nothing else) and <D> (depends on NULL %4) are left out.
    expect(viaBytes('xml')).toBe('<E B="x"><Data>a</Data><Data/><Data>b</Data><R>z</R><R>y</R></E>\n');
    expect(JSON.parse(viaBytes('jsonl'))).toEqual({
      E: { '#attributes': { B: 'x' }, Data: { '#text': ['a', '', 'b'] }, R: ['z', 'y'] },
    });
  });
});

describe('ingest fields from template values equal fields from the tree', () => {
  const stats = { direct: 0, trees: 0 };
  for (const file of FILES) {
    it(path.basename(file), () => {
      const bytes = new Uint8Array(readFileSync(file));
      const fast = fieldsOf(bytes, 'direct', stats);
      const tree = fieldsOf(bytes, 'tree');
      expect(fast.length).toBe(tree.length);
      for (let i = 0; i < tree.length; i++) {
        const want = structuredClone(tree[i]);
        const got = fast[i];
        // The fast path leaves the TimeCreated text out when it read the FILETIME itself (timeMs is compared).
        if ('system' in want && 'system' in got && want.system && got.system?.systemTime === undefined) delete want.system.systemTime;
        expect(got).toEqual(want);
      }
    });
  }
  it('the fast path answers nearly every record', () => {
    // Without this the equality above could hold with every record falling back to the tree.
    expect(stats.direct + stats.trees).toBeGreaterThan(10_000);
    // The shapes the dump's byte programs take (17,132 of 18,055 corpus records); the rest —
    // template-less records (Defender), CAPI2's, a few others — go through the tree, as they do in the dump.
    expect(stats.direct / (stats.direct + stats.trees)).toBeGreaterThan(0.9);
  });
});
