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
