/**
 * The last counted success of clients whose latest request failed (src/analysis/counted.ts), on the
 * memory store and SQLite: from the stored newest successes (Store.clientSuccesses) when none is
 * later than `at`, else from the client's requests. Expected values written out from the records.
 */
import { describe, expect, it } from 'vitest';
import { countedClients } from '../../src/analysis/counted.js';
import { openStore } from '../../src/store/index.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { AT, DAY, HOUR, PRODUCTS, request } from './fleet.js';

const FROM = AT - 30 * DAY;
let rec = 1;
const r = (host: string, cmid: string, time: number, result = 0, product: string = PRODUCTS.win11Pro) =>
  request({ host, cmid, time, machine: `${cmid}.corp.example`, result, product, recordId: rec++ });

const records = [
  // c1: succeeded on kms02 two days ago, then refused by kms01 an hour ago → counted by kms02 at AT − 2 d
  r('kms02.corp.example', 'c1', AT - 2 * DAY), r('kms01.corp.example', 'c1', AT - HOUR, 0xc004f042),
  // c2: its only success is 31 days old (before the window) → not counted
  r('kms01.corp.example', 'c2', AT - 31 * DAY), r('kms01.corp.example', 'c2', AT - HOUR, 0xc004f06c),
  // c3: successes on both hosts, the newer on kms01 (AT − 3 d); Office success later does not count for Windows
  r('kms02.corp.example', 'c3', AT - 5 * DAY), r('kms01.corp.example', 'c3', AT - 3 * DAY),
  r('kms02.corp.example', 'c3', AT - DAY, 0, PRODUCTS.office2021), r('kms02.corp.example', 'c3', AT - 2 * HOUR, 0xc004f042),
  // c4: failed at AT − 1 h, but succeeds again after the report's instant: its success before AT is at AT − 4 d
  r('kms01.corp.example', 'c4', AT - 4 * DAY), r('kms01.corp.example', 'c4', AT - HOUR, 0xc004f06c), r('kms01.corp.example', 'c4', AT + DAY),
  // c5: latest request succeeded: counted from its latest request, no lookup
  r('kms01.corp.example', 'c5', AT - 6 * HOUR),
];

async function counted(store: Store) {
  await store.writeBatch(records);
  // the clients as of AT: c4's success after AT is not its latest request then
  const clients = await store.latestClients(AT);
  const rows = await countedClients(store, clients, FROM, AT);
  await store.close();
  return rows.map((c) => [c.cmid, c.application, c.host, c.lastSeen - AT]).sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
}

const EXPECTED = [
  ['c1', 'Windows', 'kms02.corp.example', -2 * DAY],
  ['c3', 'Office', 'kms02.corp.example', -DAY],
  ['c3', 'Windows', 'kms01.corp.example', -3 * DAY],
  ['c4', 'Windows', 'kms01.corp.example', -4 * DAY],
  ['c5', 'Windows', 'kms01.corp.example', -6 * HOUR],
];

describe('counted clients: the last success of clients whose latest request failed', () => {
  it('memory store', async () => {
    expect(await counted(createMemoryStore())).toEqual(EXPECTED);
  });
  it('SQLite', async () => {
    expect(await counted(await openStore(':memory:'))).toEqual(EXPECTED);
  });
});
