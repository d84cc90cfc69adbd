import { describe, expect, it } from 'vitest';
import { LOOKUPS } from './fixtures/summary-lookups.js';
import { countWindowDays, DAY_MS, pastWindowParts, windowDayBounds } from '../../src/store/postgres/window-days.js';

/*
 * countWindowDays counts distinct CMIDs per (host, application) and per (host, application,
 * minimum) from window_days rows as PostgreSQL sends them (bytea in hex text). The rows and the
 * counts below are worked out by hand; the contract and postgres-summary tests compare the store's
 * answers with the exact SQL forms on real data.
 */
const lookups = LOOKUPS;

const from = 10 * DAY_MS + 43_200_000; // day 10, 12:00
const to = 12 * DAY_MS + 1000;

/** One row: [day, host, product, minimum, cmids bytea, offsets bytea] with [cmid, ms into the day] entries. */
function row(day: number, host: number, product: number, minimum: number, entries: [number, number][]): unknown[] {
  const cmids = Buffer.alloc(entries.length * 8);
  const offsets = Buffer.alloc(entries.length * 4);
  entries.forEach(([cmid, ms], i) => {
    cmids.writeUInt32BE(Math.floor(cmid / 2 ** 32), i * 8);
    cmids.writeUInt32BE(cmid >>> 0, i * 8 + 4);
    offsets.writeUInt32BE(ms, i * 4);
  });
  const [fromDay, toDay] = windowDayBounds(from, to);
  // the query sends the times of the first and last day only
  return [String(day), String(host), String(product), String(minimum), `\\x${cmids.toString('hex')}`, day === fromDay || day === toDay ? `\\x${offsets.toString('hex')}` : null];
}

const rows = (hostB: number) => [
  // 100 at exactly the window start: (from, to] leaves it out; 101 a ms later is in; 102 before
  row(10, 1, 10, 25, [[100, 43_200_000], [101, 43_200_001], [102, 1000]]),
  // a whole day: 100 twice in one row, counted once; 103
  row(11, 1, 11, 25, [[100, 5], [100, 7], [103, 9]]),
  // the last day: 100 at `to` is in, 104 a ms after `to` is not
  row(12, 1, 12, 5, [[100, 1000], [104, 1001]]),
  row(11, 1, 10, 5, [[102, 0]]),
  row(11, 2, 10, 5, [[hostB, 0]]),
  // host 3 and product 99 are unknown: left out, as the SQL forms' joins leave them out
  row(11, 3, 10, 25, [[105, 0]]),
  row(11, 2, 99, 25, [[106, 0]]),
];

const expected = {
  active: [
    { host: 'KMS-A', application: 'Office', active: 1, maxMinimum: 5 }, // 100
    { host: 'KMS-A', application: 'Windows', active: 4, maxMinimum: 25 }, // 101, 100, 103, 102
    { host: 'kms-b', application: 'Windows', active: 1, maxMinimum: 5 },
  ],
  counts: [
    { host: 'KMS-A', application: 'Office', minimumCount: 5, clients: 1 },
    { host: 'KMS-A', application: 'Windows', minimumCount: 25, clients: 3 }, // 101, 100, 103
    { host: 'KMS-A', application: 'Windows', minimumCount: 5, clients: 1 }, // 102
    { host: 'kms-b', application: 'Windows', minimumCount: 5, clients: 1 },
  ],
};

describe('countWindowDays', () => {
  it('counts distinct CMIDs of the window per host and application, and per minimum', () => {
    expect(countWindowDays(rows(102), lookups, from, to)).toEqual(expected);
  });

  it('counts the same with a CMID id of 2^32 or more (sets instead of the bitmap)', () => {
    expect(countWindowDays(rows(2 ** 32 + 7), lookups, from, to)).toEqual(expected);
  });

  it('gives the same counts whatever the row order', () => {
    expect(countWindowDays(rows(102).reverse(), lookups, from, to)).toEqual(expected);
  });

  it('an empty window, and a window whose entries all fall before it', () => {
    expect(countWindowDays([], lookups, from, to)).toEqual({ active: [], counts: [] });
    expect(countWindowDays([row(10, 1, 10, 25, [[100, 0]])], lookups, from, to)).toEqual({ active: [], counts: [] });
  });
});

describe('past windows: whole days from window_days, the end day from the requests', () => {
  it('splits a window at the start of the day it ends in', () => {
    // (day 10 12:00, day 12 00:00:01]: days 10 and 11 from window_days; day 12 from the requests
    // with time > 12 * DAY_MS - 1 (the day's first ms included); seconds from that ms's, 1,036,799, to 1,036,801
    expect(pastWindowParts(from, to)).toEqual({ days: [10, 11], endDay: [1_036_799, 1_036_801, 12 * DAY_MS - 1, to] });
    // a window inside one day: no day rows, (from, to] from the requests
    const inDay = pastWindowParts(from, from + 3_600_000);
    expect(inDay).toEqual({ days: null, endDay: [Math.floor(from / 1000), Math.floor((from + 3_600_000) / 1000), from, from + 3_600_000] });
    // a window ending at midnight: the day it ends in holds only its first ms
    expect(pastWindowParts(from, 12 * DAY_MS).endDay).toEqual([1_036_799, 1_036_800, 12 * DAY_MS - 1, 12 * DAY_MS]);
  });

  it('counts the end day\'s requests with the whole days', () => {
    // day rows 10 and 11 as above, without the last day's row; the end day's requests (host,
    // product, minimum, cmid) stand in for it: 100 again (counted once) and 107, both Office, 5
    const dayRows = rows(102).filter((r) => r[0] !== '12');
    const endDay = [['1', '12', '5', '100'], ['1', '12', '5', '107'], ['1', '12', '5', '107'], ['3', '12', '5', '108']];
    const office = { host: 'KMS-A', application: 'Office' };
    const got = countWindowDays(dayRows, lookups, from, to, endDay);
    expect(got.active).toEqual([{ ...office, active: 2, maxMinimum: 5 }, ...expected.active.slice(1)]);
    expect(got.counts).toEqual([{ ...office, minimumCount: 5, clients: 2 }, ...expected.counts.slice(1)]);
    // the same through the sets used for ids of 2^32 and more
    expect(countWindowDays(rows(2 ** 32 + 7).filter((r) => r[0] !== '12'), lookups, from, to, endDay)).toEqual(got);
  });
});
