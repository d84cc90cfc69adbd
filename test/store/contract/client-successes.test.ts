/**
 * Store.clientSuccesses on every backend: per CMID, application, host and minimum count, the time of
 * the newest request with result 0x0 of all that is stored. Expected rows are written out by hand
 * from the requests below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientSuccessRow } from '../../../src/store/types.js';
import { OFFICE, WIN_PRO, request } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 1, 8, 0, 0);
const A = '24ecc780-5463-4cfc-bc0c-71744241ee4f';
const B = 'b0b0b0b0-5463-4cfc-bc0c-71744241ee4f';
const C = 'c0c0c0c0-5463-4cfc-bc0c-71744241ee4f';

let rec = 1;
const req = (host: string, cmid: string, time: number, o: { result?: number; product?: typeof WIN_PRO; minimumCount?: number } = {}) =>
  request({ host, cmid, time, recordId: rec++, result: o.result ?? 0, product: o.product ?? WIN_PRO, ...(o.minimumCount ? { minimumCount: o.minimumCount } : {}) });

const records = [
  // A on kms01: successes at T and T+1h, a failure after them (newest is the failure; last success T+1h)
  req('KMS01.corp.example', A, T),
  req('KMS01.corp.example', A, T + HOUR),
  req('KMS01.corp.example', A, T + 2 * HOUR, { result: 0xc004f042 }),
  // A on kms02: one success at T+3h, with minimum count 5 and, separately, 25
  req('KMS02.corp.example', A, T + 3 * HOUR, { minimumCount: 5 }),
  req('KMS02.corp.example', A, T + 30 * 60_000),
  // A's Office: another application
  req('KMS01.corp.example', A.toUpperCase(), T + 4 * HOUR, { product: OFFICE }),
  // B never succeeded; C succeeded but is not asked for
  req('KMS01.corp.example', B, T, { result: 0xc004f06c }),
  req('KMS01.corp.example', C, T),
];

const sorted = (rows: ClientSuccessRow[]) =>
  [...rows].sort((x, y) => x.application.localeCompare(y.application) || x.host.localeCompare(y.host) || x.minimumCount - y.minimumCount);

for (const backend of selectedBackends()) {
  describe(`${backend}: clientSuccesses`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    }, 120_000);
    afterAll(async () => factory?.dispose());

    it('gives the newest success per application, host and minimum count; nothing for a client that never succeeded', async () => {
      const store = await factory.open();
      await store.writeBatch(records);
      // asked in upper case: CMIDs compare lower-case
      expect(sorted(await store.clientSuccesses([A.toUpperCase(), B]))).toEqual([
        { cmid: A, application: 'Office', host: 'KMS01.corp.example', minimumCount: 5, lastOk: T + 4 * HOUR },
        { cmid: A, application: 'Windows', host: 'KMS01.corp.example', minimumCount: 25, lastOk: T + HOUR },
        { cmid: A, application: 'Windows', host: 'KMS02.corp.example', minimumCount: 5, lastOk: T + 3 * HOUR },
        { cmid: A, application: 'Windows', host: 'KMS02.corp.example', minimumCount: 25, lastOk: T + 30 * 60_000 },
      ]);
      expect(await store.clientSuccesses([B])).toEqual([]);
      expect(await store.clientSuccesses([])).toEqual([]);
      await store.close();
    });
  });
}
