import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, requestSeries } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';

/*
 * writeBatch cases beyond ingest.test.ts: overlapping and out-of-order exports, whole-second
 * exports, host spelling across batches, and log clears whose record ids repeat the old epoch's.
 * requestSeries(n, { start, t0 }) gives record ids start+1..start+n, one second apart from t0
 * (default 2026-10-01 00:00Z), on host KMS01.corp.example.
 */
const KMS = 'Key Management Service';
const HOST = 'KMS01.corp.example';
const T0 = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const AT = Date.UTC(2027, 0, 1);
const zero = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };

for (const backend of selectedBackends()) {
  describe(`${backend}: writeBatch, more cases`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('adds only the new part of an overlapping export', async () => {
      const store = await factory.open();
      // export 1 = records 1..300, export 2 = records 201..500 → 200 new, 100 duplicates
      await store.writeBatch([...requestSeries(300)]);
      expect(await store.writeBatch([...requestSeries(300, { start: 200 })])).toEqual({ ...zero, requests: 200, duplicates: 100 });
      expect((await store.totals(AT)).requests).toBe(500);
      expect(await store.checkpoint('kms01.corp.example', KMS)).toMatchObject({ lastRecordId: 500, epoch: 0 });
    });

    it('takes an event from an export with whole seconds only for the same event, in either order', async () => {
      const store = await factory.open();
      // EVTX carries ms; Export-Csv only whole seconds: the dedup key keeps the second
      await store.writeBatch([request({ recordId: 7, time: T0 + 123 })]);
      expect(await store.writeBatch([request({ recordId: 7, time: T0 })])).toEqual({ ...zero, duplicates: 1 });
      // the other order is neither a new row nor a log clear (same id, same second)
      await store.writeBatch([request({ recordId: 8, time: T0 + 1000 })]);
      expect(await store.writeBatch([request({ recordId: 8, time: T0 + 1456 })])).toEqual({ ...zero, duplicates: 1 });
      expect((await store.totals(AT)).requests).toBe(2);
      expect(await store.logClears()).toEqual([]);
    });

    it('compares host names case-insensitively across batches', async () => {
      const store = await factory.open();
      await store.writeBatch([request({ host: 'KMS01.CORP.EXAMPLE' })]);
      expect(await store.writeBatch([request({ host: 'kms01.corp.example' })])).toEqual({ ...zero, duplicates: 1 });
      expect((await store.totals(AT)).hosts).toBe(1);
    });

    it('re-ingests the exports around a log clear whose record ids repeat the old ones without adding anything', async () => {
      const store = await factory.open();
      // epoch 0: ids 1..100 at T0 + 0..99 s; the log is cleared; epoch 1: ids 1..40 a day later
      const before = [...requestSeries(100, { t0: T0 })];
      const after = [...requestSeries(40, { t0: T0 + DAY })];
      expect(await store.writeBatch(before)).toMatchObject({ requests: 100, logClears: 0 });
      expect(await store.writeBatch(after)).toMatchObject({ requests: 40, duplicates: 0, logClears: 1 });
      expect((await store.totals(AT)).requests).toBe(140);
      expect(await store.logClears()).toEqual([
        { host: HOST, channel: KMS, epoch: 1, detectedAt: T0 + DAY, previousLastRecordId: 100, firstRecordId: 1 },
      ]);
      expect(await store.checkpoint(HOST, KMS)).toMatchObject({ lastRecordId: 40, epoch: 1 });

      // ids 1..40 are in both epochs: re-ingesting the old export alone, or both, changes nothing
      expect(await store.writeBatch(before)).toEqual({ ...zero, duplicates: 100 });
      expect(await store.writeBatch([...before, ...after])).toEqual({ ...zero, duplicates: 140 });
      expect(await store.logClears()).toHaveLength(1);
      expect(await store.checkpoint(HOST, KMS)).toMatchObject({ lastRecordId: 40, epoch: 1 });
      expect((await store.totals(AT)).requests).toBe(140);
    });

    it('re-ingests a batch holding a log clear whose record ids repeat without adding anything', async () => {
      const store = await factory.open();
      // ids 1..10 from T0, then ids 1..5 an hour later: one clear inside the batch
      const batch = [...requestSeries(10, { t0: T0 }), ...requestSeries(5, { t0: T0 + 3_600_000 })];
      expect(await store.writeBatch(batch)).toMatchObject({ requests: 15, logClears: 1 });
      expect(await store.writeBatch(batch)).toEqual({ ...zero, duplicates: 15 });
      expect(await store.logClears()).toHaveLength(1);
    });

    it('stores an older export after a newer one without a false log clear', async () => {
      const store = await factory.open();
      // records 101..150 first, then 1..50 (earlier ids, earlier times): an older export, not a clear
      await store.writeBatch([...requestSeries(50, { start: 100 })]);
      expect(await store.writeBatch([...requestSeries(50)])).toMatchObject({ requests: 50, logClears: 0 });
      expect(await store.logClears()).toEqual([]);
      expect(await store.checkpoint(HOST, KMS)).toMatchObject({ lastRecordId: 150, epoch: 0 });
    });

    it('dates a log clear in an export listed newest first by the earliest event of the new epoch', async () => {
      const store = await factory.open();
      // epoch 0: ids 1..10; then the new epoch as Get-WinEvent lists it: ids 3, 2, 1 (newest first)
      const before = [...requestSeries(10, { t0: T0 })];
      const after = [...requestSeries(3, { t0: T0 + DAY })].reverse();
      await store.writeBatch(before);
      expect(await store.writeBatch(after)).toMatchObject({ requests: 3, logClears: 1 });
      // id 1 of the new epoch is at T0 + DAY + 0 s
      expect(await store.logClears()).toEqual([
        { host: HOST, channel: KMS, epoch: 1, detectedAt: T0 + DAY, previousLastRecordId: 10, firstRecordId: 1 },
      ]);
      expect(await store.checkpoint(HOST, KMS)).toMatchObject({ lastRecordId: 3, epoch: 1 });
    });
  });
}
