/**
 * Store.countedNewest on every backend: per host, application and minimum count, the newest last
 * successes in the window of the CMIDs each host counts. Expected rows written out by hand from
 * the requests below; the 30-day window as of now is answered from activity_spans on SQL stores,
 * a past instant (a request newer than `to`) and any other window from the requests: both must agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CountedNewestRow } from '../../../src/store/types.js';
import { OFFICE, WIN_PRO, request } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AT = Date.UTC(2026, 10, 1, 8, 0, 0);
const FROM = AT - 30 * DAY;
const cmid = (n: number) => `${String(n).padStart(8, '0')}-5463-4cfc-bc0c-71744241ee4f`;

let rec = 1;
const req = (host: string, n: number, time: number, o: { result?: number; product?: typeof WIN_PRO; minimumCount?: number } = {}) =>
  request({ host, cmid: cmid(n), time, recordId: rec++, result: o.result ?? 0, product: o.product ?? WIN_PRO, ...(o.minimumCount ? { minimumCount: o.minimumCount } : {}) });

const K1 = 'KMS01.corp.example';
const K2 = 'KMS02.corp.example';
const records = [
  // 1: two successes on kms01 (the newer counts: AT − 2 d), then a failure (not a success)
  req(K1, 1, AT - 5 * DAY), req(K1, 1, AT - 2 * DAY), req(K1, 1, AT - HOUR, { result: 0xc004f042 }),
  // 2: counted by both hosts: kms01 at AT − 10 d, kms02 at AT − 1 d
  req(K1, 2, AT - 10 * DAY), req(K2, 2, AT - DAY),
  // 3: success 31 days back: outside the window
  req(K1, 3, AT - 31 * DAY),
  // 4, 5, 6: kms01 Windows at AT − 3 d, AT − 4 d, AT − 6 d; with limit 3, 6 (the oldest of four) is left out
  req(K1, 4, AT - 3 * DAY), req(K1, 5, AT - 4 * DAY), req(K1, 6, AT - 6 * DAY),
  // 7: Office on kms01 (another application), at AT − 7 d
  req(K1, 7, AT - 7 * DAY, { product: OFFICE }),
  // 9: only failures
  req(K1, 9, AT - DAY, { result: 0xc004f06c }),
];
// a request after AT: the store no longer "covers" AT, the requests answer
const later = [req(K1, 10, AT + DAY)];
// 8: kms01 Windows asking for 5 once and 25 later: counted once, at its highest minimum (25), last at
// AT − 8 d (a run mixing minimum counts: the spans do not say which minimum when, the requests answer)
const mixed = [req(K1, 8, AT - 9 * DAY, { minimumCount: 5 }), req(K1, 8, AT - 8 * DAY)];

const EXPECTED_LIMIT_3: [string, string, number, number][] = [
  // host, application, minimum, last success − AT
  ['KMS01.corp.example', 'Office', 5, -7 * DAY],
  ['KMS01.corp.example', 'Windows', 25, -2 * DAY],
  ['KMS01.corp.example', 'Windows', 25, -3 * DAY],
  ['KMS01.corp.example', 'Windows', 25, -4 * DAY],
  ['KMS02.corp.example', 'Windows', 25, -DAY],
];
const EXPECTED_LIMIT_10: [string, string, number, number][] = [
  ['KMS01.corp.example', 'Office', 5, -7 * DAY],
  ['KMS01.corp.example', 'Windows', 25, -2 * DAY],
  ['KMS01.corp.example', 'Windows', 25, -3 * DAY],
  ['KMS01.corp.example', 'Windows', 25, -4 * DAY],
  ['KMS01.corp.example', 'Windows', 25, -6 * DAY],
  ['KMS01.corp.example', 'Windows', 25, -10 * DAY],
  ['KMS02.corp.example', 'Windows', 25, -DAY],
];

const plain = (rows: CountedNewestRow[]) => rows.map((r) => [r.host, r.application, r.minimumCount, r.lastSeen - AT]);

for (const backend of selectedBackends()) {
  describe(`${backend}: countedNewest`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    }, 120_000);
    afterAll(async () => factory?.dispose());

    it('gives the newest last successes per host, application and minimum count, a CMID under each host that counts it', async () => {
      const store = await factory.open();
      await store.writeBatch(records);
      expect(plain(await store.countedNewest(FROM, AT, 3))).toEqual(EXPECTED_LIMIT_3);
      expect(plain(await store.countedNewest(FROM, AT, 10))).toEqual(EXPECTED_LIMIT_10);
      // a window other than 30 days is read from the requests: (AT − 5 d, AT]
      expect(plain(await store.countedNewest(AT - 5 * DAY, AT, 10))).toEqual([
        ['KMS01.corp.example', 'Windows', 25, -2 * DAY],
        ['KMS01.corp.example', 'Windows', 25, -3 * DAY],
        ['KMS01.corp.example', 'Windows', 25, -4 * DAY],
        ['KMS02.corp.example', 'Windows', 25, -DAY],
      ]);
      expect(await store.countedNewest(FROM, AT, 0)).toEqual([]);
      await store.close();
    });

    it('as of a past instant (a newer request is stored) gives the same rows', async () => {
      const store = await factory.open();
      await store.writeBatch([...records, ...later]);
      expect(plain(await store.countedNewest(FROM, AT, 3))).toEqual(EXPECTED_LIMIT_3);
      expect(plain(await store.countedNewest(FROM, AT, 10))).toEqual(EXPECTED_LIMIT_10);
      await store.close();
    });

    it('counts a CMID whose run mixes minimum counts once, at its highest minimum', async () => {
      const store = await factory.open();
      await store.writeBatch([...records, ...mixed]);
      const withMixed = [...EXPECTED_LIMIT_10];
      withMixed.splice(5, 0, ['KMS01.corp.example', 'Windows', 25, -8 * DAY]);
      expect(plain(await store.countedNewest(FROM, AT, 10))).toEqual(withMixed);
      await store.close();
    });
  });
}
