/**
 * Store.selectedClients on every backend: the clients whose LATEST request meets a condition of the
 * selection, whatever their older requests were, as latestClients gives them. Expected
 * CMIDs written out by hand from the requests below; as of now (summary candidates) and as of a
 * past instant (the latest requests up to it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductInfo } from '../../../src/kms/types.js';
import { WIN_PRO, request } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AT = Date.UTC(2026, 10, 1, 8, 0, 0);
const cmid = (n: number) => `${String(n).padStart(8, '0')}-5463-4cfc-bc0c-71744241ee4f`;
const UNKNOWN: ProductInfo = { ...WIN_PRO, activationId: '99999999-0000-4000-8000-000000000001', name: 'Unknown', application: 'Unknown', known: false };

let rec = 1;
const req = (n: number, time: number, o: { licenseState?: number; minutesLeft?: number; product?: ProductInfo; host?: string } = {}) =>
  request({ host: o.host ?? 'KMS01.corp.example', cmid: cmid(n), machine: `pc${n}.corp.example`, time, recordId: rec++, licenseState: o.licenseState ?? 1, minutesLeft: o.minutesLeft ?? 0, product: o.product ?? WIN_PRO, activationId: (o.product ?? WIN_PRO).activationId });

const records = [
  // 1: in Notification (5) now
  req(1, AT - 3 * HOUR, { licenseState: 1, minutesLeft: 250_000 }), req(1, AT - 2 * HOUR, { licenseState: 5 }),
  // 2: was in Notification with kms02, licensed by kms01 now: not selected by state (two summary rows)
  req(2, AT - 5 * HOUR, { licenseState: 5, host: 'KMS02.corp.example' }), req(2, AT - 4 * HOUR, { licenseState: 1, minutesLeft: 250_000 }),
  // 3: licensed, expires in 2 days (2,880 minutes from its latest request at AT − 1 h)
  req(3, AT - HOUR, { minutesLeft: 2 * 24 * 60 }),
  // 4: expired soon in an older request, renewed since (180 days left): not expiring
  req(4, AT - 10 * DAY, { minutesLeft: 60 }), req(4, AT - 6 * HOUR, { minutesLeft: 259_200 }),
  // 5: an Activation ID missing from the product table
  req(5, AT - 7 * HOUR, { product: UNKNOWN, minutesLeft: 259_200 }),
  // 6: nothing special, asked for by CMID
  req(6, AT - 8 * HOUR, { minutesLeft: 259_200 }),
  // 7: nothing special, not asked for
  req(7, AT - 9 * HOUR, { minutesLeft: 259_200 }),
];

// as a set: the memory store orders latestClients by machine, the SQL stores newest first
const names = (rows: { cmid: string }[]) => rows.map((r) => Number(r.cmid.slice(0, 8))).sort((a, b) => a - b);

for (const backend of selectedBackends()) {
  describe(`${backend}: selectedClients`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    }, 120_000);
    afterAll(async () => factory?.dispose());

    it('selects by the latest request: state, expiry, unknown product, CMID; any condition', async () => {
      const store = await factory.open();
      await store.writeBatch(records);
      expect(names(await store.selectedClients(AT, { licenseStates: [5] }))).toEqual([1]);
      expect(names(await store.selectedClients(AT, { expiringBy: AT + 14 * DAY }))).toEqual([3]);
      expect(names(await store.selectedClients(AT, { unknownProducts: true }))).toEqual([5]);
      expect(names(await store.selectedClients(AT, { cmids: [cmid(6).toUpperCase()] }))).toEqual([6]);
      expect(names(await store.selectedClients(AT, { licenseStates: [5], expiringBy: AT + 14 * DAY, unknownProducts: true, cmids: [cmid(6)] }))).toEqual([1, 3, 5, 6]);
      expect(await store.selectedClients(AT, {})).toEqual([]);
      // the rows are latestClients' rows
      const all = await store.latestClients(AT);
        expect(await store.selectedClients(AT, { cmids: [cmid(1), cmid(7)] })).toEqual(all.filter((c) => c.cmid === cmid(1) || c.cmid === cmid(7)));
      await store.close();
    });

    it('as of a past instant: the latest request up to it decides', async () => {
      const store = await factory.open();
      await store.writeBatch(records);
      // at AT − 4.5 h client 2's latest request is the Notification one; client 1's is licensed
      expect(names(await store.selectedClients(AT - 4.5 * HOUR, { licenseStates: [5] }))).toEqual([2]);
      // at AT − 9 d client 4's latest request expires 60 minutes after AT − 10 d: long expired, still "expiring by"
      expect(names(await store.selectedClients(AT - 9 * DAY, { expiringBy: AT - 9 * DAY + 14 * DAY }))).toEqual([4]);
      await store.close();
    });
  });
}
