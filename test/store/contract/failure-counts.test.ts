/**
 * Store.failureCounts on every backend: per host and result code, the failed requests up to `at`,
 * as of now (failure_counts, kept by every batch), as of a past instant and after a prune — each
 * against counts written out by hand from the requests below and against Store.failures summed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailureCountRow, Store } from '../../../src/store/types.js';
import { request } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AT = Date.UTC(2026, 10, 1, 8, 0, 0);
const K1 = 'KMS01.corp.example';
const K2 = 'kms02.corp.example';
const cmid = (n: number) => `${String(n).padStart(8, '0')}-5463-4cfc-bc0c-71744241ee4f`;

let rec = 1;
const req = (host: string, n: number, time: number, result: number) =>
  request({ host, cmid: cmid(n), machine: `pc${n}.corp.example`, time, recordId: rec++, result });

const F06C = 0xc004f06c;
const F042 = 0xc004f042;
const first = [
  // kms01: 0xC004F06C at AT − 40 d, AT − 2 d (two clients), AT − 1 h; 0xC004F042 once; a success
  req(K1, 1, AT - 40 * DAY, F06C), req(K1, 1, AT - 2 * DAY, F06C), req(K1, 2, AT - 2 * DAY, F06C), req(K1, 2, AT - HOUR, F06C),
  req(K1, 3, AT - 3 * DAY, F042), req(K1, 4, AT - DAY, 0),
  // kms02 (another spelling of case): 0xC004F042 twice
  req(K2, 5, AT - 5 * DAY, F042), req(K2, 6, AT - 4 * DAY, F042),
];
// a second batch: one more failure on kms01 after AT
const second = [req(K1, 7, AT + DAY, F06C)];

const plain = (rows: FailureCountRow[]) => rows.map((r) => [r.host.toLowerCase(), r.result, r.requests]);
async function summedFailures(store: Store, at: number) {
  const sums = new Map<string, number>();
  for (const f of await store.failures(-1, at)) {
    const k = `${f.host.toLowerCase()}\u0000${f.result}`;
    sums.set(k, (sums.get(k) ?? 0) + f.requests);
  }
  return [...sums].map(([k, n]) => [...k.split('\u0000').map((v, i) => (i === 1 ? Number(v) : v)), n]);
}

for (const backend of selectedBackends()) {
  describe(`${backend}: failureCounts`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    }, 120_000);
    afterAll(async () => factory?.dispose());

    it('counts failed requests per host and result now, at a past instant and after a prune', async () => {
      const store = await factory.open();
      await store.writeBatch(first);
      await store.writeBatch(second);
      // now: kms01 0xC004F042 1, 0xC004F06C 5 (4 + the one after AT); kms02 0xC004F042 2
      expect(plain(await store.failureCounts(AT + 2 * DAY))).toEqual([['kms01.corp.example', F042, 1], ['kms01.corp.example', F06C, 5], ['kms02.corp.example', F042, 2]]);
      // at AT: the failure after AT is not counted
      expect(plain(await store.failureCounts(AT))).toEqual([['kms01.corp.example', F042, 1], ['kms01.corp.example', F06C, 4], ['kms02.corp.example', F042, 2]]);
      // at AT − 3.5 d: kms01's 0xC004F06C of AT − 40 d; kms02's two (AT − 5 d, AT − 4 d); nothing else yet
      expect(plain(await store.failureCounts(AT - 3.5 * DAY))).toEqual([['kms01.corp.example', F06C, 1], ['kms02.corp.example', F042, 2]]);
      for (const at of [AT + 2 * DAY, AT, AT - 3.5 * DAY]) {
        expect(plain(await store.failureCounts(at)).sort()).toEqual((await summedFailures(store, at)).sort());
      }
      // prune everything before AT − 30 d: the failure of AT − 40 d goes
      await store.prune(AT - 30 * DAY);
      expect(plain(await store.failureCounts(AT + 2 * DAY))).toEqual([['kms01.corp.example', F042, 1], ['kms01.corp.example', F06C, 4], ['kms02.corp.example', F042, 2]]);
      await store.close();
    });
  });
}
