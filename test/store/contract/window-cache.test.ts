import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { request } from '../fixtures/records.js';

/*
 * Window counts follow every stored request: a store that kept an answer for a window (as the
 * earlier SQL stores did, one scan for both questions) must read again after a write.
 */
const T0 = Date.UTC(2026, 10, 1, 8);
const DAY = 86_400_000;

for (const backend of selectedBackends()) {
  describe(`${backend}: window counts after new requests`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('count the new client', async () => {
      const store = await factory.open();
      const at = T0 + 10_000;
      await store.writeBatch([request({ recordId: 1, time: T0, cmid: '00000000-0000-4000-8000-000000000001' })]);
      expect((await store.windowActive(at - DAY, at)).map((r) => r.active)).toEqual([1]);
      expect((await store.windowCounts(at - DAY, at)).map((r) => r.clients)).toEqual([1]);
      await store.writeBatch([request({ recordId: 2, time: T0 + 1000, cmid: '00000000-0000-4000-8000-000000000002' })]);
      expect((await store.windowActive(at - DAY, at)).map((r) => r.active)).toEqual([2]);
      expect((await store.windowCounts(at - DAY, at)).map((r) => r.clients)).toEqual([2]);
    });
  });
}
