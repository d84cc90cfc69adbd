import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KmsRecord } from '../../src/kms/types.js';
import { StoreError, type Store } from '../../src/store/types.js';
import { anomaly, clientEvent, hostEvent, request, requestSeries } from './fixtures/records.js';
import { openFreshStore, testBackends } from './fixtures/backends.js';

const T0 = Date.UTC(2026, 10, 1);
const AT = Date.UTC(2027, 0, 1);
const zero = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };

for (const backend of testBackends()) {
  describe(`${backend}: writeBatch`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await openFreshStore(backend);
    });
    afterEach(() => store.close());

    it('stores each kind and counts it', async () => {
      const res = await store.writeBatch([request(), hostEvent(), clientEvent(), anomaly()]);
      expect(res).toEqual({ ...zero, requests: 1, hostEvents: 1, clientEvents: 1, anomalies: 1 });
      expect(await store.writeBatch([])).toEqual(zero);
    });

    it('the same batch twice adds nothing the second time', async () => {
      const batch = [...requestSeries(500), hostEvent(), anomaly({ recordId: 9999 })];
      expect(await store.writeBatch(batch)).toMatchObject({ requests: 500, hostEvents: 1, anomalies: 1, duplicates: 0 });
      expect(await store.writeBatch(batch)).toEqual({ ...zero, duplicates: 502 });
      expect((await store.totals(AT)).requests).toBe(500);
    });

    it('overlapping exports: only the new part is added', async () => {
      // export 1 = records 1..300, export 2 = records 201..500 → 200 new, 100 duplicates
      await store.writeBatch([...requestSeries(300)]);
      expect(await store.writeBatch([...requestSeries(300, { start: 200 })])).toEqual({ ...zero, requests: 200, duplicates: 100 });
      expect((await store.totals(AT)).requests).toBe(500);
      expect(await store.checkpoint('kms01.corp.example', 'Key Management Service')).toMatchObject({ lastRecordId: 500, epoch: 0 });
    });

    it('duplicates inside one batch are counted', async () => {
      const r = request();
      expect(await store.writeBatch([r, { ...r }, { ...r, time: r.time + 999 - (r.time % 1000) }])).toEqual({ ...zero, requests: 1, duplicates: 2 });
    });

    it('the same event from an export with whole seconds only is the same event', async () => {
      // EVTX carries ms; Export-Csv only whole seconds: the key truncates to the second
      await store.writeBatch([request({ recordId: 7, time: T0 + 123 })]);
      expect(await store.writeBatch([request({ recordId: 7, time: T0 })])).toEqual({ ...zero, duplicates: 1 });
      // and the other order is neither a new row nor a log clear (same id, same second)
      await store.writeBatch([request({ recordId: 8, time: T0 + 1000 })]);
      expect(await store.writeBatch([request({ recordId: 8, time: T0 + 1456 })])).toEqual({ ...zero, duplicates: 1 });
    });

    it('host names compare case-insensitively for dedup', async () => {
      await store.writeBatch([request({ host: 'KMS01.CORP.EXAMPLE' })]);
      expect(await store.writeBatch([request({ host: 'kms01.corp.example' })])).toEqual({ ...zero, duplicates: 1 });
    });

    it('events without a record id are keyed by their content', async () => {
      const a = request({ recordId: null, machine: 'A' });
      const b = request({ recordId: null, machine: 'B' });
      expect(await store.writeBatch([a, b, { ...a }])).toEqual({ ...zero, requests: 2, duplicates: 1 });
      expect(await store.writeBatch([b])).toEqual({ ...zero, duplicates: 1 });
      // they never move the checkpoint
      expect(await store.checkpoint(a.host, a.channel)).toMatchObject({ lastRecordId: null, lastTime: null });
    });

    it('a log clear (ids restart, later times) starts a new epoch and keeps both', async () => {
      // epoch 0: ids 1..100 at T0 + 0..99 s; the log is cleared; epoch 1: ids 1..40 a day later
      const before = [...requestSeries(100, { t0: T0 })];
      const after = [...requestSeries(40, { t0: T0 + 86_400_000 })];
      expect(await store.writeBatch(before)).toMatchObject({ requests: 100, logClears: 0 });
      expect(await store.writeBatch(after)).toMatchObject({ requests: 40, duplicates: 0, logClears: 1 });
      expect((await store.totals(AT)).requests).toBe(140);
      expect(await store.logClears()).toEqual([{
        host: 'KMS01.corp.example', channel: 'Key Management Service', epoch: 1,
        detectedAt: T0 + 86_400_000, previousLastRecordId: 100, firstRecordId: 1,
      }]);
      expect(await store.checkpoint('KMS01.corp.example', 'Key Management Service')).toMatchObject({ lastRecordId: 40, epoch: 1 });

      // re-ingesting both exports, separately or together, changes nothing
      expect(await store.writeBatch(before)).toEqual({ ...zero, duplicates: 100 });
      expect(await store.writeBatch([...before, ...after])).toEqual({ ...zero, duplicates: 140 });
      expect(await store.logClears()).toHaveLength(1);
      expect(await store.checkpoint('KMS01.corp.example', 'Key Management Service')).toMatchObject({ lastRecordId: 40, epoch: 1 });
    });

    it('a log clear inside one batch is detected too', async () => {
      const batch = [...requestSeries(10, { t0: T0 }), ...requestSeries(5, { t0: T0 + 3_600_000 })];
      expect(await store.writeBatch(batch)).toMatchObject({ requests: 15, logClears: 1 });
      expect(await store.writeBatch(batch)).toEqual({ ...zero, duplicates: 15 });
    });

    it('an older export after a newer one is stored without a false log clear', async () => {
      await store.writeBatch([...requestSeries(50, { start: 100 })]);
      expect(await store.writeBatch([...requestSeries(50)])).toMatchObject({ requests: 50, logClears: 0 });
      expect(await store.checkpoint('KMS01.corp.example', 'Key Management Service')).toMatchObject({ lastRecordId: 150, epoch: 0 });
    });

    it('checkpoints are kept per host and channel', async () => {
      await store.writeBatch([
        request({ host: 'H1', recordId: 5, time: T0 + 5000 }),
        request({ host: 'H2', recordId: 9, time: T0 + 1000 }),
        hostEvent({ host: 'H1', recordId: 77, time: T0 }),
      ]);
      expect((await store.checkpoints()).map((c) => [c.host, c.channel, c.lastRecordId, c.lastTime, c.epoch])).toEqual([
        ['H1', 'Application', 77, T0, 0],
        ['H1', 'Key Management Service', 5, T0 + 5000, 0],
        ['H2', 'Key Management Service', 9, T0 + 1000, 0],
      ]);
    });

    it('hostile strings are stored and read back verbatim', async () => {
      const hostile = [
        `Robert'); DROP TABLE requests;--`,
        `<script>alert("x")</script>`,
        `quote " and ' and \` and \\ backslash`,
        `line\nbreak\ttab \u2028 ünïcødé 🖥️ 中文`,
        `%s %d $1 @at ?`,
      ];
      const records: KmsRecord[] = hostile.flatMap((text, i) => [
        request({ recordId: i + 1, time: T0 + i * 1000, machine: text, source: text, clientTimeText: text }),
        anomaly({ recordId: 100 + i, time: T0 + i * 1000, raw: text, reason: text, provider: text }),
        hostEvent({ recordId: i + 1, time: T0 + i * 1000, detail: text, domain: text }),
      ]);
      expect(await store.writeBatch(records)).toMatchObject({ requests: 5, anomalies: 5, hostEvents: 5 });
      const req = await store.clientRequests(request().cmid, 10);
      expect(req.map((r) => r.machine).reverse()).toEqual(hostile);
      expect(req.map((r) => r.source).reverse()).toEqual(hostile);
      const anomalies = await store.anomalies(AT, 10);
      expect(anomalies.rows.map((r) => [r.raw, r.reason, r.provider]).reverse()).toEqual(hostile.map((h) => [h, h, h]));
      const clients = await store.latestClients(AT, { search: `DROP TABLE` });
      expect(clients.map((c) => c.machine)).toEqual([]); // the latest request of that CMID is another one
      expect((await store.hostEventCounts(AT))[0].lastDomain).toBe(hostile[4]);
      expect((await store.totals(AT)).requests).toBe(5);
    });

    it('a batch that fails is not written at all', async () => {
      const good = [...requestSeries(20)];
      const bad = { ...request({ recordId: 999 }), machine: null } as unknown as KmsRecord;
      await expect(store.writeBatch([...good, bad])).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_WRITE' });
      expect((await store.totals(AT)).requests).toBe(0);
      expect(await store.checkpoints()).toEqual([]);
      // and the store still works afterwards
      expect(await store.writeBatch(good)).toMatchObject({ requests: 20 });
    });

    it('StoreError carries a literal name and a code', () => {
      const err = new StoreError('x', 'STORE_QUERY');
      expect(err).toBeInstanceOf(Error);
      expect([err.name, err.code]).toEqual(['StoreError', 'STORE_QUERY']);
    });
  });
}

describe('log clear in an export listed newest first', () => {
  it('dates the clear by the earliest event of the new epoch', async () => {
    const store = await openFreshStore('sqlite');
    // epoch 0: ids 1..10; then the new epoch as Get-WinEvent lists it: ids 3, 2, 1 (newest first)
    const before = [...requestSeries(10, { t0: T0 })];
    const after = [...requestSeries(3, { t0: T0 + 86_400_000 })].reverse();
    await store.writeBatch(before);
    expect(await store.writeBatch(after)).toMatchObject({ requests: 3, logClears: 1 });
    expect(await store.logClears()).toEqual([{
      host: 'KMS01.corp.example', channel: 'Key Management Service', epoch: 1,
      detectedAt: T0 + 86_400_000, previousLastRecordId: 10, firstRecordId: 1,
    }]);
    expect(await store.checkpoint('KMS01.corp.example', 'Key Management Service')).toMatchObject({ lastRecordId: 3, epoch: 1 });
    await store.close();
  });
});
