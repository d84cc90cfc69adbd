/**
 * Store.productsSeen on every backend: the products with a request at or before `at`, by name then
 * Activation ID, as of now, at past instants and after a prune — each against the list written out
 * by hand from the requests below and against Store.products without its counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductInfo } from '../../../src/kms/types.js';
import type { Store } from '../../../src/store/types.js';
import { OFFICE, request, SERVER, WIN_PRO } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AT = Date.UTC(2026, 10, 1, 8, 0, 0);
const cmid = (n: number) => `${String(n).padStart(8, '0')}-5463-4cfc-bc0c-71744241ee4f`;
// an Activation ID missing from the product table: its name sorts before the known ones
const UNKNOWN: ProductInfo = {
  activationId: '0aaaaaaa-1111-2222-3333-444444444444', name: 'Unknown product', kmsGroup: '', kmsGroupId: '', application: 'Unknown', minimumCount: 25, known: false,
};

let rec = 1;
const req = (product: ProductInfo, n: number, time: number, host = 'KMS01.corp.example') =>
  request({ host, product, activationId: product.activationId, minimumCount: product.minimumCount ?? 25, cmid: cmid(n), machine: `pc${n}.corp.example`, time, recordId: rec++ });

const first = [
  req(SERVER, 1, AT - 40 * DAY), // the only Server request: pruned below
  req(WIN_PRO, 2, AT - 10 * DAY), req(WIN_PRO, 2, AT - DAY),
  req(OFFICE, 2, AT - 5 * DAY, 'kms02.corp.example'), // the same CMID asks for Office on another host
];
const second = [req(UNKNOWN, 3, AT + DAY), req(OFFICE, 4, AT + 2 * DAY)];

const names = async (store: Store, at: number) => (await store.productsSeen(at)).map((p) => [p.productName, p.activationId, p.application]);
const fromProducts = async (store: Store, at: number) =>
  (await store.products(at))
    .map((p) => [p.productName, p.activationId, p.application])
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : 1));

for (const backend of selectedBackends()) {
  describe(`${backend}: productsSeen`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    }, 120_000);
    afterAll(async () => factory?.dispose());

    it('lists the products asked for up to `at`, by name, without counting them', async () => {
      const store = await factory.open();
      await store.writeBatch(first);
      await store.writeBatch(second);
      const office = [OFFICE.name, OFFICE.activationId, 'Office'];
      const server = [SERVER.name, SERVER.activationId, 'Windows'];
      const pro = [WIN_PRO.name, WIN_PRO.activationId, 'Windows'];
      const unknown = [UNKNOWN.name, UNKNOWN.activationId, 'Unknown'];
      // now: all four, by name ("Office …" < "Unknown …" < "Windows 10/11 Pro" < "Windows Server …")
      expect(await names(store, AT + 3 * DAY)).toEqual([office, unknown, pro, server]);
      // at AT: the unknown product (AT + 1 d) not yet
      expect(await names(store, AT)).toEqual([office, pro, server]);
      // at AT − 7 d: Server (AT − 40 d) and Pro (AT − 10 d); Office comes at AT − 5 d
      expect(await names(store, AT - 7 * DAY)).toEqual([pro, server]);
      // before any request: none
      expect(await names(store, AT - 41 * DAY)).toEqual([]);
      for (const at of [AT + 3 * DAY, AT, AT - 7 * DAY, AT - 41 * DAY]) expect(await names(store, at)).toEqual(await fromProducts(store, at));
      // the only Server request goes with a prune: so does the product
      await store.prune(AT - 30 * DAY);
      expect(await names(store, AT + 3 * DAY)).toEqual([office, unknown, pro]);
      await store.close();
    });
  });
}
