/**
 * Seeded mutation fuzzing over real corpus chunks: bit flips, overwritten sizes/offsets with
 * random or boundary values, truncation, random record sizes. Every case must parse and render
 * without an exception escaping, in bounded time and memory. FUZZ_CASES raises the case count
 * (`npm run fuzz`); the seed is printed on failure so a case can be replayed (FUZZ_SEED).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChunk } from '../../src/evtx/chunk.js';
import { parseEvtxBuffer, chunkSlots } from '../../src/evtx/file.js';
import { recordToXml } from '../../src/evtx/render/xml.js';
import { recordToJsonLine } from '../../src/evtx/render/json.js';
import { ByteOut } from '../../src/evtx/render/byte-out.js';
import { renderChunkBytes } from '../../src/evtx/render/chunk-bytes.js';
import { renderChunk, type RenderedChunk } from '../../src/evtx/render/chunk-output.js';
import { TemplateCache } from '../../src/evtx/binxml/template-cache.js';
import { walkChunkFields, type FieldPath } from '../../src/evtx/record-fields.js';
import { readCorpus } from './helpers/corpus.js';
import { retainedHeap } from './helpers/gc.js';
import { real64File } from '../fixtures/peers/cases.js';
import { seededRandom } from '../helpers/seeded-random.js';

const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
/** Every how many cases the fast paths are compared with the tree path (each comparison renders the case four more times). */
const PATH_EVERY = Number(process.env.FUZZ_PATH_EVERY ?? 10);

/** Seeds: the first records of real chunks, cut down so each case is cheap. */
function seedChunks(): Uint8Array[] {
  const files = [
    'evtxrs__security.evtx', // templates, SIDs, GUIDs, FILETIME
    'evtxrs__system.evtx', // string arrays, binary, Int64, ANSI
    'evtxrs__2-system-Microsoft-Windows-LiveId%4Operational.evtx', // SYSTEMTIME, ANSI
    'hayabusa__ID1151-Defender_health_status.evtx', // template-less
    'evtxrs__E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx', // entity refs, UserData
    'evtxrs__Security_with_size_t.evtx', // SizeT
    'evtxrs__sample-with-irregular-bool-values.evtx', // Bool stored with values other than 0/1
  ];
  const inputs = [
    ...files.map(readCorpus),
    new Uint8Array(readFileSync(real64File)), // Real64, Bool, UInt32 (written by our writer: no licensed file has Real64)
  ];
  const out: Uint8Array[] = [];
  for (const bytes of inputs) {
    for (const slot of chunkSlots(bytes)) {
      if (slot.bytes[0] !== 0x45 || slot.bytes.length < 65536) continue;
      const view = new DataView(slot.bytes.buffer, slot.bytes.byteOffset, 65536);
      // Keep the first 4 records.
      let pos = 512;
      for (let k = 0; k < 4 && pos < 65536 - 28; k++) {
        const size = view.getUint32(pos + 4, true);
        if (view.getUint32(pos, true) !== 0x2a2a || size < 28 || pos + size > 65536) break;
        pos += size;
      }
      const c = new Uint8Array(65536);
      c.set(slot.bytes.subarray(0, pos));
      new DataView(c.buffer).setUint32(48, pos, true);
      out.push(c);
      if (out.length % 3 === 0) break; // a few chunks per file is enough variety
    }
  }
  return out;
}

const BOUNDARY = [0, 1, 2, 3, 4, 7, 8, 24, 27, 28, 0x7f, 0x80, 0xff, 0x100, 0x1ff, 0x200, 0xfff0, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

function mutate(seed: Uint8Array, rnd: () => number): Uint8Array {
  const c = seed.slice();
  const view = new DataView(c.buffer);
  const end = Math.max(600, view.getUint32(48, true));
  const at = () => Math.floor(rnd() * end);
  const kind = Math.floor(rnd() * 5);
  const n = 1 + Math.floor(rnd() * 8);
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 0: // bit flips
        c[at()] ^= 1 << Math.floor(rnd() * 8);
        break;
      case 1: { // boundary values in a u16/u32 field
        const p = Math.min(at(), 65532);
        const v = BOUNDARY[Math.floor(rnd() * BOUNDARY.length)];
        if (rnd() < 0.5) view.setUint16(p, v & 0xffff, true);
        else view.setUint32(p, v >>> 0, true);
        break;
      }
      case 2: { // random offsets inside the chunk (name/template references)
        const p = Math.min(at(), 65532);
        view.setUint32(p, Math.floor(rnd() * 65600), true);
        break;
      }
      case 3: { // truncation: zero everything from a point on
        c.fill(0, 512 + Math.floor(rnd() * (end - 512)));
        return c;
      }
      default: { // random byte runs
        const p = at();
        for (let k = 0; k < 1 + rnd() * 32 && p + k < 65536; k++) c[p + k] = Math.floor(rnd() * 256);
      }
    }
  }
  // Sometimes also make the walk run past free space or to the chunk end.
  if (rnd() < 0.1) view.setUint32(48, Math.floor(rnd() * 70000), true);
  return c;
}

/** The chunk's text and facts, through `render`. */
function rendered(r: RenderedChunk): { text: string; facts: object } {
  const { text, ...facts } = r;
  return { text, facts };
}

/**
 * Every fast path on one (damaged) chunk must agree with the tree path: the dump's byte renderer
 * and ingest's fields (test/evtx/paths.test.ts does the same on whole files).
 */
function expectPathsAgree(input: Uint8Array, i: number): void {
  for (const format of ['xml', 'jsonl'] as const) {
    const ref = rendered(renderChunk(input, 0, 4096, format, { cache: new TemplateCache() }));
    const out = new ByteOut(1 << 16);
    const { start: _s, end: _e, ...facts } = renderChunkBytes(input, 0, 4096, format, { cache: new TemplateCache() }, out);
    const bytes = { text: new TextDecoder().decode(out.buf.subarray(0, out.pos)), facts };
    expect(bytes, `case ${i} (FUZZ_SEED=${SEED}) ${format} renderChunkBytes`).toEqual(ref);
  }
  const fields = (via: FieldPath) => {
    const out: unknown[] = [];
    walkChunkFields(input, 0, 4096, { cache: new TemplateCache(), via }, {
      record: (f, h) => void out.push({ ...f, recordId: h.recordId }),
      error: (e) => void out.push(e.message),
    });
    return out;
  };
  const fast = fields('direct') as Array<{ system?: { systemTime?: string } | null }>;
  const tree = fields('tree') as typeof fast;
  // The fast path leaves the TimeCreated text out when it read the FILETIME itself (timeMs is compared).
  tree.forEach((t, k) => {
    if (t.system && fast[k]?.system && fast[k].system!.systemTime === undefined) delete t.system.systemTime;
  });
  expect(fast, `case ${i} (FUZZ_SEED=${SEED}) ingest fields`).toEqual(tree);
}

describe('fuzz', () => {
  it(`${CASES} mutated chunks parse and render without escaping exceptions (seed ${SEED})`, () => {
    const seeds = seedChunks();
    expect(seeds.length).toBeGreaterThan(10);
    const rnd = seededRandom(SEED);
    let ok = 0;
    let errors = 0;
    const heapBefore = retainedHeap();
    let heapPeak = 0;
    const slowest = { ms: 0, case: -1 };
    for (let i = 0; i < CASES; i++) {
      const input = mutate(seeds[i % seeds.length], rnd);
      const started = performance.now();
      let result;
      try {
        result = parseChunk(input, 0, 4096);
        for (const r of result.records) {
          if (r.ok) {
            ok++;
            recordToXml(r.record);
            JSON.parse(recordToJsonLine(r.record));
          } else {
            errors++;
            expect(r.error.context.offset).toBeTypeOf('number');
          }
        }
      } catch (e) {
        throw new Error(`case ${i} (FUZZ_SEED=${SEED}) escaped: ${(e as Error).stack}`);
      }
      const took = performance.now() - started;
      if (i % PATH_EVERY === 0) expectPathsAgree(input, i);
      if (took > slowest.ms) Object.assign(slowest, { ms: took, case: i });
      if ((i + 1) % 2500 === 0) heapPeak = Math.max(heapPeak, retainedHeap() - heapBefore);
    }
    // Both outcomes must occur, or the mutator is not reaching the parser.
    expect(ok).toBeGreaterThan(CASES / 10);
    expect(errors).toBeGreaterThan(CASES / 100);
    // Memory kept reachable after full collections, every 2,500 cases: 5–8 MB whatever the case
    // count. Names cached without a length limit kept 184 MB after 25,000 cases (test/evtx/caches.test.ts).
    expect(Math.max(heapPeak, retainedHeap() - heapBefore)).toBeLessThan(32 * 1024 * 1024);
    // No hang: the slowest of 200,000 cases (a damaged name offset reading 22 KB of the chunk as
    // the name of every attribute using it, 8 MB of JSON) took ≈ 200 ms on a fast machine.
    expect(slowest.ms, `case ${slowest.case}`).toBeLessThan(2000);
  }, 60_000 + CASES); // `npm run fuzz` runs 200,000 cases: ≈ 1 ms each on a slow machine

  it('truncated and resized whole files never throw beyond NotEvtxError', () => {
    const file = readCorpus('evtxrs__new-user-security.evtx');
    const rnd = seededRandom(SEED + 1);
    for (let i = 0; i < 300; i++) {
      const cut = Math.floor(rnd() * file.length);
      const bytes = file.slice(0, cut);
      if (cut < 128) {
        expect(() => parseEvtxBuffer(bytes)).toThrow(expect.objectContaining({ code: 'EVTX_NOT_EVTX' }));
        continue;
      }
      const p = parseEvtxBuffer(bytes);
      for (const c of p.chunks) for (const r of c.records) if (r.ok) recordToXml(r.record);
    }
  });
});
