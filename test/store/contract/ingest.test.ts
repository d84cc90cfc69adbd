import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KmsRecord } from '../../../src/kms/types.js';
import { StoreError, type Store } from '../../../src/store/types.js';
import { anomaly, hostEvent, request } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { AT, HOST_A, handDataset, t } from './dataset.js';

const KMS = 'Key Management Service';
const HOUR = 3_600_000;

for (const backend of selectedBackends()) {
  describe(`${backend}: writeBatch`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('is idempotent: the same events again are counted as duplicates and change nothing', async () => {
      const store = await factory.open();
      await store.writeBatch(handDataset());
      const before = await snapshot(store);
      const again = await store.writeBatch(handDataset());
      expect(again).toEqual({ requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 17, logClears: 0 });
      expect(await snapshot(store)).toEqual(before);
    });

    it('drops repeats inside one batch, keeping the first', async () => {
      const store = await factory.open();
      const first = request({ recordId: 7, time: t(11, 3), machine: 'FIRST', source: 'a.evtx (evtx)' });
      // same host (other case), channel, record id and second: the same event from another export
      const repeat = request({ host: HOST_A.toUpperCase(), recordId: 7, time: t(11, 3) + 400, machine: 'SECOND', source: 'b.xml (xml)' });
      const result = await store.writeBatch([first, repeat]);
      expect(result).toMatchObject({ requests: 1, duplicates: 1 });
      const [row] = await store.clientRequests(first.cmid, 10);
      expect(row).toMatchObject({ machine: 'FIRST', source: 'a.evtx (evtx)' });
    });

    it('keys events without a record id on their content', async () => {
      const store = await factory.open();
      const a = request({ recordId: null, time: t(11, 3), machine: 'X' });
      const sameContent = request({ recordId: null, time: t(11, 3), machine: 'X' });
      const otherContent = request({ recordId: null, time: t(11, 3), machine: 'Y' });
      expect(await store.writeBatch([a, sameContent, otherContent])).toMatchObject({ requests: 2, duplicates: 1 });
      // and they never move a checkpoint (the SQL backends keep a row per host and channel, empty)
      for (const cp of await store.checkpoints()) expect(cp).toMatchObject({ lastRecordId: null, lastTime: null, epoch: 0 });
    });

    it('detects a log clear across batches and keeps both epochs', async () => {
      const store = await factory.open();
      const t0 = t(11, 1);
      const ev = (recordId: number, time: number) => request({ recordId, time, cmid: `00000000-0000-4000-8000-${String(recordId).padStart(12, '0')}` });
      const before = [ev(100, t0), ev(101, t0 + HOUR), ev(102, t0 + 2 * HOUR)];
      // record ids restart at 1 three hours later: the log was cleared
      const after = [ev(1, t0 + 3 * HOUR), ev(2, t0 + 4 * HOUR)];
      expect((await store.writeBatch(before)).logClears).toBe(0);
      expect(await store.writeBatch(after)).toMatchObject({ requests: 2, logClears: 1 });
      expect(await store.logClears()).toEqual([
        { host: HOST_A, channel: KMS, epoch: 1, detectedAt: t0 + 3 * HOUR, previousLastRecordId: 102, firstRecordId: 1 },
      ]);
      expect(await store.checkpoint(HOST_A, KMS)).toMatchObject({ lastRecordId: 2, lastTime: t0 + 4 * HOUR, epoch: 1 });
      // re-ingesting both exports finds nothing new and no further clear
      expect(await store.writeBatch([...before, ...after])).toMatchObject({ requests: 0, duplicates: 5, logClears: 0 });
      expect(await store.checkpoint(HOST_A, KMS)).toMatchObject({ lastRecordId: 2, epoch: 1 });
      // record id 1 of a later epoch is a different event than a record id 1 of the first one
      expect((await store.writeBatch([ev(1, t0 - HOUR)])).requests).toBe(1);
      expect((await store.totals(AT)).requests).toBe(6);
    });

    it('detects a log clear inside one batch', async () => {
      const store = await factory.open();
      const t0 = t(11, 1);
      const batch = [
        anomaly({ recordId: 50, time: t0 }),
        request({ recordId: 51, time: t0 + HOUR }),
        request({ recordId: 1, time: t0 + 2 * HOUR, cmid: '99999999-9999-4999-8999-999999999999' }),
      ];
      expect(await store.writeBatch(batch)).toMatchObject({ requests: 2, anomalies: 1, logClears: 1 });
      expect((await store.logClears())[0]).toMatchObject({ epoch: 1, previousLastRecordId: 51, firstRecordId: 1, detectedAt: t0 + 2 * HOUR });
    });

    it('writes all of a batch or nothing, naming the bad record', async () => {
      const store = await factory.open();
      const good = request({ recordId: 1, time: t(11, 1) });
      const bad = request({ recordId: 2, time: Number.NaN, source: 'broken.xml (xml)' });
      const err = await store.writeBatch([good, bad]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('STORE_WRITE');
      expect((err as StoreError).message).toMatch(/record 1|broken\.xml/);
      expect((await store.totals(AT)).requests).toBe(0);
      expect(await store.checkpoints()).toEqual([]);
      // the store still works afterwards
      expect((await store.writeBatch([good])).requests).toBe(1);
    });

    it('stores hostile strings exactly', async () => {
      const store = await factory.open();
      const nasty = [
        "O'Brien\"; DROP TABLE requests; --",
        'back\\slash \\N \\t \\\\',
        'tab\there\nnew line\r\nCRLF',
        '\\.', // the old end-of-copy marker
        '$1 %s %d ${x} @at ?',
        '<script>alert(1)</script> &amp;',
        'emoji 🔑 and RTL \u202E override, zero-width \u200B',
        'x'.repeat(20_000),
        ' leading and trailing spaces ',
        '',
      ];
      const records: KmsRecord[] = nasty.map((text, i) =>
        request({ recordId: i + 1, time: t(11, 1) + i * 1000, machine: text, cmid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, source: text }),
      );
      records.push(anomaly({ recordId: 100, time: t(11, 2), raw: nasty.join('\u0001'), reason: nasty[0], provider: nasty[1] }));
      records.push(hostEvent({ host: 'we\\ird\thost', recordId: 1, time: t(11, 2), detail: nasty[2], domain: nasty[1] }));
      const result = await store.writeBatch(records);
      expect(result).toMatchObject({ requests: nasty.length, anomalies: 1, hostEvents: 1, duplicates: 0 });

      for (const [i, text] of nasty.entries()) {
        const [row] = await store.clientRequests(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, 1);
        expect(row.machine).toBe(text);
        expect(row.source).toBe(text);
      }
      const { rows } = await store.anomalies(AT, 10);
      expect(rows[0]).toMatchObject({ raw: nasty.join('\u0001'), reason: nasty[0], provider: nasty[1] });
      const events = await store.hostEventCounts(AT);
      expect(events).toEqual([expect.objectContaining({ host: 'we\\ird\thost', lastDomain: nasty[1] })]);
      // every table is still there
      expect((await store.totals(AT)).requests).toBe(nasty.length);
    });

    it('accepts a NUL character without failing the batch', async () => {
      const store = await factory.open();
      const result = await store.writeBatch([request({ recordId: 1, time: t(11, 1), machine: 'nul\u0000inside' })]);
      expect(result.requests).toBe(1);
      const [row] = await store.clientRequests(request().cmid, 1);
      // PostgreSQL text cannot hold U+0000: every backend stores it as U+FFFD (store/nul.ts)
      expect(row.machine).toBe('nul\uFFFDinside');
    });

    it('returns empty results on an empty store', async () => {
      const store = await factory.open();
      expect(await store.totals(AT)).toEqual({ requests: 0, clients: 0, machines: 0, hosts: 0, anomalies: 0 });
      expect(await store.writeBatch([])).toEqual({ requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 });
      for (const rows of await Promise.all([
        store.hostActivity(AT), store.windowCounts(0, AT), store.windowActive(0, AT), store.clones(AT), store.failures(0, AT),
        store.latestClients(AT), store.products(AT), store.hostEventCounts(AT), store.logClears(), store.clientRequests('x', 5),
        store.dailyActivity(null, 0, AT), store.checkpoints(),
      ])) {
        expect(rows).toEqual([]);
      }
      expect(await store.anomalies(AT, 5)).toEqual({ total: 0, rows: [] });
    });
  });
}

/** Every query's rows at AT and a later instant, for before/after comparisons. */
async function snapshot(store: Store): Promise<unknown> {
  const later = t(12, 31);
  return {
    totals: await store.totals(later),
    clients: await store.latestClients(later),
    hostEvents: await store.hostEventCounts(later),
    anomalies: await store.anomalies(later, 100),
    checkpoints: (await store.checkpoints()).map(({ updatedAt: _u, ...c }) => c),
    clears: await store.logClears(),
  };
}
