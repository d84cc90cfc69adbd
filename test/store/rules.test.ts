// The store rules written once in TypeScript (src/store/rules/): the latest order and the window.
import { describe, expect, it } from 'vitest';
import { DAY_MS, inWindow, isLater, latestFirst, recordRank, utcDayStart, type LatestKey } from '../../src/store/rules/index.js';

const key = (time: number, recordId: number | null, stored: number): LatestKey => ({ time, recordId, stored });

describe('latest order', () => {
  it('ranks a record id as itself and a missing one (null, or dedupRec\'s negative stand-in) as -1', () => {
    expect([recordRank(7), recordRank(0), recordRank(null), recordRank(undefined), recordRank(-12345)]).toEqual([7, 0, -1, -1, -1]);
  });

  it('takes the later time first, whatever the record ids and storage order', () => {
    // a is 1 s later; b has the higher record id and was stored later: a still wins
    const a = key(2000, 1, 0);
    const b = key(1000, 99, 5);
    expect(latestFirst(a, b)).toBeLessThan(0);
    expect(latestFirst(b, a)).toBeGreaterThan(0);
    expect(isLater(a, b)).toBe(true);
    expect(isLater(b, a)).toBe(false);
  });

  it('at one time takes the higher record id, and any record id (even 0) before none', () => {
    expect(isLater(key(1000, 5, 0), key(1000, 4, 9))).toBe(true); // 5 > 4; storage order not reached
    expect(isLater(key(1000, 0, 0), key(1000, null, 9))).toBe(true); // 0 > -1
    expect(isLater(key(1000, 0, 0), key(1000, -77, 9))).toBe(true); // 0 > -1
  });

  it('at one time and rank takes the one stored later; equal keys compare equal', () => {
    // null and -77 both rank -1: storage order decides
    expect(isLater(key(1000, null, 4), key(1000, -77, 3))).toBe(true);
    expect(isLater(key(1000, 6, 3), key(1000, 6, 4))).toBe(false);
    expect(latestFirst(key(1000, 6, 3), key(1000, 6, 3))).toBe(0);
  });

  it('sorts latest first', () => {
    const keys = [
      key(1000, 2, 0), // p: t=1000, rank 2
      key(3000, null, 1), // q: t=3000
      key(1000, null, 2), // r: t=1000, rank -1, stored 2
      key(1000, 2, 3), // s: t=1000, rank 2, stored 3
      key(2000, 1, 4), // u: t=2000
      key(1000, -5, 5), // v: t=1000, rank -1, stored 5
    ];
    // by time: q (3000), u (2000), then the four at 1000: rank 2 (s stored 3 before p stored 0),
    // then rank -1 (v stored 5 before r stored 2)
    expect([...keys].sort(latestFirst).map((k) => k.stored)).toEqual([1, 4, 3, 0, 5, 2]);
  });

  it('is antisymmetric over every pair of a small set', () => {
    const keys = [key(1, null, 0), key(1, 0, 1), key(1, 0, 2), key(2, null, 3), key(1, 3, 4), key(1, -2, 5)];
    for (const a of keys) {
      for (const b of keys) expect(Math.sign(latestFirst(a, b))).toBe(-Math.sign(latestFirst(b, a)) || 0);
    }
  });
});

describe('window', () => {
  it('is left-open and right-closed', () => {
    // (100, 200]: 100 out, 100.5 and 101 in, 200 in, 200.5 and 201 out
    expect([99, 100, 100.5, 101, 200, 200.5, 201].map((t) => inWindow(t, 100, 200))).toEqual([false, false, true, true, true, false, false]);
    // an empty window (from = to) holds nothing, not even its own instant
    expect(inWindow(100, 100, 100)).toBe(false);
  });

  it('puts every instant in exactly one of two windows that follow each other', () => {
    // (0, 10] and (10, 20]: each t in 1..20 falls in one of them; 10 in the first
    for (let t = 1; t <= 20; t++) expect(Number(inWindow(t, 0, 10)) + Number(inWindow(t, 10, 20))).toBe(1);
    expect(inWindow(10, 0, 10)).toBe(true);
  });

  it('starts days at UTC midnight', () => {
    expect(DAY_MS).toBe(24 * 60 * 60 * 1000);
    // 2026-02-07T15:10:09Z is in the day of 2026-02-07T00:00Z
    expect(utcDayStart(Date.UTC(2026, 1, 7, 15, 10, 9))).toBe(Date.UTC(2026, 1, 7));
    // midnight itself starts its day; 1 ms before it belongs to the day before
    expect(utcDayStart(Date.UTC(2026, 1, 7))).toBe(Date.UTC(2026, 1, 7));
    expect(utcDayStart(Date.UTC(2026, 1, 7) - 1)).toBe(Date.UTC(2026, 1, 6));
    // before 1970: -1 ms is 1969-12-31, whose day starts at -DAY_MS (floor, not truncation)
    expect(utcDayStart(-1)).toBe(-DAY_MS);
  });
});
