import { describe, expect, it } from 'vitest';
import { countWindowScan } from '../../src/store/queries/window-scan.js';
import { LOOKUPS } from './fixtures/summary-lookups.js';

/*
 * countWindowScan counts distinct CMIDs per (host, application) and per (host, application,
 * minimum) from client_summary rows handed over as comma-separated columns. The rows below are
 * worked out by hand; the same rows in another order must count the same.
 */
const lookups = LOOKUPS;

// (cmid, host, product, minimum)
const rows: [number, number, number, number][] = [
  [100, 1, 10, 25], // CMID 100 on A: Windows Pro and Enterprise (one client, counted once), and Office
  [100, 1, 11, 25],
  [100, 1, 12, 5],
  [101, 1, 10, 25],
  [102, 1, 10, 5], // a server OS on A: Windows with minimum 5
  [102, 2, 10, 5], // the same CMID on B too: counted on each host
  [103, 3, 10, 25], // host 3 has no name (no checkpoint): left out, as the SQL join leaves it out
  [104, 2, 99, 25], // unknown product: left out
];

const asRow = (list: typeof rows) => ({
  n: list.length,
  cmids: list.map((r) => r[0]).join(','),
  hosts: list.map((r) => r[1]).join(','),
  products: list.map((r) => r[2]).join(','),
  minimums: list.map((r) => r[3]).join(','),
});

describe('countWindowScan', () => {
  it('counts distinct CMIDs per host and application, and per minimum', () => {
    const scan = countWindowScan(asRow(rows), lookups);
    expect(scan.active).toEqual([
      { host: 'KMS-A', application: 'Office', active: 1, maxMinimum: 5 }, // 100
      { host: 'KMS-A', application: 'Windows', active: 3, maxMinimum: 25 }, // 100, 101, 102
      { host: 'kms-b', application: 'Windows', active: 1, maxMinimum: 5 }, // 102
    ]);
    expect(scan.counts).toEqual([
      { host: 'KMS-A', application: 'Office', minimumCount: 5, clients: 1 },
      { host: 'KMS-A', application: 'Windows', minimumCount: 25, clients: 2 }, // 100, 101
      { host: 'KMS-A', application: 'Windows', minimumCount: 5, clients: 1 }, // 102
      { host: 'kms-b', application: 'Windows', minimumCount: 5, clients: 1 },
    ]);
  });

  it('gives the same counts whatever the row order', () => {
    const expected = countWindowScan(asRow(rows), lookups);
    for (const shuffled of [[...rows].reverse(), [rows[4], rows[0], rows[6], rows[2], rows[5], rows[1], rows[7], rows[3]]]) {
      expect(countWindowScan(asRow(shuffled), lookups)).toEqual(expected);
    }
  });

  it('an empty window', () => {
    expect(countWindowScan({ n: 0, cmids: '', hosts: '', products: '', minimums: '' }, lookups)).toEqual({ active: [], counts: [] });
  });
});
