import { describe, expect, it } from 'vitest';
import { IdIndex } from '../../src/store/id-index.js';

describe('IdIndex', () => {
  it('answers as a Map does over random sets and gets, through many growths', () => {
    // a seeded LCG: ids from a small range (many repeats and overwrites), from above 2^32 (the
    // high half of the hash) and negative ones (SQLite's provisional ids)
    let x = 7;
    const rnd = (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n);
    const index = new IdIndex(4);
    const map = new Map<number, number>();
    const pick = () => [rnd(5000), 2 ** 40 + rnd(5000) * 2 ** 32, -1 - rnd(300)][rnd(3)];
    for (let step = 0; step < 60_000; step++) {
      const id = pick();
      if (rnd(2) === 0) {
        const slot = rnd(1_000_000);
        index.set(id, slot);
        map.set(id, slot);
      } else expect(index.get(id)).toBe(map.get(id) ?? -1);
    }
    expect(index.size).toBe(map.size);
    for (const [id, slot] of map) expect(index.get(id)).toBe(slot);
    index.clear();
    expect(index.size).toBe(0);
    for (const id of map.keys()) expect(index.get(id)).toBe(-1);
  });

  it('keeps ids that differ only above bit 32 apart', () => {
    const index = new IdIndex();
    index.set(5, 1);
    index.set(5 + 2 ** 32, 2);
    index.set(5 + 2 ** 33, 3);
    expect([index.get(5), index.get(5 + 2 ** 32), index.get(5 + 2 ** 33), index.get(5 + 2 ** 34)]).toEqual([1, 2, 3, -1]);
  });
});
