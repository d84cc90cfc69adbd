import { describe, expect, it } from 'vitest';
import { RequestColumns } from '../../src/store/postgres/request-columns.js';
import { ClientFold } from '../../src/store/postgres/summary-fold.js';

/*
 * ClientFold.encode() writes one binary COPY row per client_summary key, sorted by the key
 * (cmid, product, host, machine key, minimum count): concurrent writers then lock the summary rows
 * in one order. The keys below repeat CMIDs (ties decided by the later fields) and come in a
 * shuffled order; the expected order is the keys sorted field by field here in the test.
 */
type Key = [cmid: number, product: number, host: number, machineKey: number, minimum: number];

function encodedKeys(keys: Key[]): Key[] {
  const cols = new RequestColumns(keys.length);
  keys.forEach(([cmid, product, host, machineKey, minimum], i) => {
    cols.cmidId[i] = cmid;
    cols.productId[i] = product;
    cols.hostId[i] = host;
    cols.machineKeyId[i] = machineKey;
    cols.minimumCount[i] = minimum;
    cols.machineId[i] = machineKey;
    cols.time[i] = 1_700_000_000_000 + i;
  });
  const fold = new ClientFold(4);
  keys.forEach((_, i) => fold.add(cols, i, 1000 + i));
  const buf = fold.encode();
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const int8 = (p: number) => view.getInt32(p + 4) * 2 ** 32 + view.getUint32(p + 8);
  const out: Key[] = [];
  // 19-byte header; each row starts with its field count, then (length, value) per field
  for (let p = 19; view.getInt16(p) !== -1; ) {
    out.push([int8(p + 2), int8(p + 14), int8(p + 26), int8(p + 38), view.getInt32(p + 54)]);
    p += 191 + (view.getInt32(p + 191) === -1 ? 4 : 12);
  }
  return out;
}

const byKey = (a: Key, b: Key) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3] || a[4] - b[4];

/** A seeded shuffle (mulberry32), so a failure repeats. */
function shuffled<T>(list: T[], seed: number): T[] {
  const out = [...list];
  let t = seed;
  const random = () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('ClientFold.encode', () => {
  it('writes the delta rows in key order, CMID ties ordered by the rest of the key', () => {
    const keys: Key[] = [];
    for (let cmid = 1; cmid <= 300; cmid++) {
      keys.push([cmid * 7, 3, 9, 11, 25]);
      // every fifth CMID has several rows: another product, host, machine or minimum count
      if (cmid % 5 === 0) keys.push([cmid * 7, 2, 9, 11, 25], [cmid * 7, 3, 8, 11, 25], [cmid * 7, 3, 9, 10, 25], [cmid * 7, 3, 9, 11, 5]);
    }
    const input = shuffled(keys, 42);
    expect(encodedKeys(input)).toEqual([...keys].sort(byKey));
  });

  it('the same order for CMID ids too large to pack with the row number', () => {
    const big = 2 ** 50;
    const keys: Key[] = [[big + 3, 1, 1, 1, 25], [big + 1, 2, 1, 1, 25], [big + 1, 1, 1, 1, 25], [5, 1, 1, 1, 25]];
    expect(encodedKeys(keys)).toEqual([...keys].sort(byKey));
  });
});

/*
 * ClientFold.merge() folds a later (or earlier) batch's deltas into a writer's pending fold
 * (postgres/summary-pending.ts): the result must be the fold of both batches' requests at once.
 */
interface Req {
  key: Key;
  time: number;
  rec: number;
  id: number;
  ok: boolean;
  machine: number;
}

function foldOf(reqs: Req[]): ClientFold {
  const cols = new RequestColumns(reqs.length);
  reqs.forEach((r, i) => {
    [cols.cmidId[i], cols.productId[i], cols.hostId[i], cols.machineKeyId[i], cols.minimumCount[i]] = r.key;
    cols.time[i] = r.time;
    cols.recordOrder[i] = r.rec;
    cols.result[i] = r.ok ? 0 : 0xc004f074;
    cols.machineId[i] = r.machine;
    cols.licenseState[i] = 1;
    cols.minutesLeft[i] = r.id;
  });
  const fold = new ClientFold(2);
  reqs.forEach((r, i) => fold.add(cols, i, r.id));
  return fold;
}

/** Every field of every encoded row, in key order. */
function rows(fold: ClientFold): number[][] {
  const buf = fold.encode();
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const int8 = (q: number) => v.getInt32(q + 4) * 2 ** 32 + v.getUint32(q + 8);
  const out: number[][] = [];
  for (let p = 19; v.getInt16(p) !== -1; ) {
    const lastOk = v.getInt32(p + 191) === -1 ? null : int8(p + 191);
    out.push([
      int8(p + 2), int8(p + 14), int8(p + 26), int8(p + 38), v.getInt32(p + 54), int8(p + 58), int8(p + 70), int8(p + 82),
      int8(p + 94), int8(p + 106), int8(p + 118), int8(p + 130), int8(p + 142), int8(p + 154), v.getInt32(p + 170),
      int8(p + 174), v.getUint8(p + 190), lastOk ?? -1,
    ]);
    p += 191 + (lastOk === null ? 4 : 12);
  }
  return out;
}

describe('ClientFold.merge', () => {
  it('keeps the earliest first request, the latest latest request and the newest success (worked by hand)', () => {
    const K: Key = [7, 1, 2, 3, 25];
    // batch 1: ids 1, 2; batch 2: ids 3, 4
    const a = foldOf([
      { key: K, time: 100, rec: 10, id: 1, ok: true, machine: 50 },
      { key: K, time: 200, rec: 5, id: 2, ok: false, machine: 51 },
    ]);
    const b = foldOf([
      { key: K, time: 100, rec: 11, id: 3, ok: true, machine: 52 },
      { key: K, time: 200, rec: 5, id: 4, ok: false, machine: 53 },
    ]);
    a.merge(b);
    // requests 2 + 2 = 4; first: time 100 in both, the lower id (1, machine 50) stays; latest:
    // time 200 and record order 5 in both, the higher id (4, machine 53, minutes left 4) wins;
    // last_ok: the newest success is at 100 (ids 1 and 3)
    expect(rows(a)).toEqual([[7, 1, 2, 3, 25, 4, 100, 1, 50, 200, 5, 4, 53, 0xc004f074, 1, 4, 0, 100]]);
    expect(a.requestCount).toBe(4);
  });

  it('merging the folds of a split history equals folding it whole, whichever way round', () => {
    const keys: Key[] = [[1, 1, 1, 1, 25], [1, 2, 1, 1, 25], [2, 1, 1, 1, 5], [3, 1, 2, 4, 25], [3, 1, 2, 4, 5]];
    let seed = 7;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    // 200 requests; few distinct times and record orders, so ties are common; ids rise
    const reqs: Req[] = Array.from({ length: 200 }, (_, i) => ({
      key: keys[next(keys.length)], time: 1000 + next(8) * 10, rec: next(3), id: i + 1, ok: next(3) === 0, machine: 100 + next(4),
    }));
    const whole = rows(foldOf(reqs));
    for (const cut of [1, 37, 100, 199]) {
      const later = foldOf(reqs.slice(0, cut));
      later.merge(foldOf(reqs.slice(cut)));
      expect(rows(later)).toEqual(whole);
      const earlier = foldOf(reqs.slice(cut));
      earlier.merge(foldOf(reqs.slice(0, cut)));
      expect(rows(earlier)).toEqual(whole);
    }
  });
});
