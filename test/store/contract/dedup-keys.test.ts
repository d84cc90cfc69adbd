import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';

/*
 * Dedup keys (host, channel, second, record id) in the shapes a plain ascending series never has:
 * one second with several record ids, one record id in several seconds, equal keys on other hosts
 * and channels. Counts derived by hand in the comments.
 */
const T0 = Date.UTC(2026, 10, 1, 8);
const LATER = Date.UTC(2030, 0, 1);

for (const backend of selectedBackends()) {
  describe(`${backend}: dedup keys`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('one second with several record ids, one record id in several seconds', async () => {
      const store = await factory.open();
      // 5 distinct keys (second, rec): (0,1) (0,2) (0,3) (1,1) (2,1); (0,1) again at ms 500 and (0,2) at ms 1 repeat
      const batch = [
        request({ recordId: 1, time: T0 }),
        request({ recordId: 2, time: T0 }),
        request({ recordId: 3, time: T0 + 999 }),
        request({ recordId: 1, time: T0 + 1000 }),
        request({ recordId: 1, time: T0 + 2000 }),
        request({ recordId: 1, time: T0 + 500 }),
        request({ recordId: 2, time: T0 + 1 }),
      ];
      expect(await store.writeBatch(batch)).toMatchObject({ requests: 5, duplicates: 2 });
      // again (7 duplicates), plus one new key in a stored second that already holds two ids
      expect(await store.writeBatch([...batch, request({ recordId: 4, time: T0 })])).toMatchObject({ requests: 1, duplicates: 7 });
      expect((await store.totals(LATER)).requests).toBe(6);
    });

    it('equal keys on other hosts or channels are not duplicates; host names compare case-insensitively', async () => {
      const store = await factory.open();
      const batch = [
        request({ host: 'KMS-A', recordId: 7, time: T0 }),
        request({ host: 'KMS-B', recordId: 7, time: T0 }),
        request({ host: 'kms-a', recordId: 7, time: T0 }),
        request({ host: 'KMS-A', channel: 'Other', recordId: 7, time: T0 }),
      ];
      expect(await store.writeBatch(batch)).toMatchObject({ requests: 3, duplicates: 1 });
    });
  });
}
