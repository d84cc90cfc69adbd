import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KmsRequest } from '../../../src/kms/types.js';
import { anomaly, cmidFor, hostEvent, request } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { AT, HOST_A, t } from './dataset.js';

const KMS = 'Key Management Service';
const HOUR = 3_600_000;

/**
 * Requests as an export with record ids (EVTX, XML) gives them: ids 301.., one a minute from t0,
 * each its own client and client time (the client's clock, minutes, UTC).
 */
function exportWithIds(n: number, t0: number, source = 'kms.xml (xml)'): KmsRequest[] {
  return Array.from({ length: n }, (_, i) => {
    const time = t0 + i * 60_000 + 250;
    const d = new Date(time);
    return request({
      recordId: 301 + i, time, source, cmid: cmidFor(i + 1), machine: `PC${i + 1}.corp.example`,
      clientTimeText: `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} ${d.getUTCHours()}:${String(d.getUTCMinutes()).padStart(2, '0')}`,
    });
  });
}

/** The same requests as a save without record ids gives them (whole seconds, no record id). */
const withoutIds = (rs: KmsRequest[], source = 'kms.csv (csv-eventviewer)'): KmsRequest[] =>
  rs.map((r) => ({ ...r, recordId: null, time: Math.floor(r.time / 1000) * 1000, source }));

for (const backend of selectedBackends()) {
  describe(`${backend}: one event from two exports`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('stores a request once whether its export had a record id or not, in either order', async () => {
      const xml = exportWithIds(5, t(11, 10));
      const csv = withoutIds(xml);
      // record ids first, then the save without them
      const a = await factory.open();
      expect(await a.writeBatch(xml)).toMatchObject({ requests: 5, duplicates: 0 });
      expect(await a.writeBatch(csv)).toMatchObject({ requests: 0, duplicates: 5 });
      expect((await a.totals(AT)).requests).toBe(5);
      // the other way round; the later export's record ids still move the checkpoint
      const b = await factory.open();
      expect(await b.writeBatch(csv)).toMatchObject({ requests: 5 });
      expect(await b.writeBatch(xml)).toMatchObject({ requests: 0, duplicates: 5, logClears: 0 });
      expect((await b.totals(AT)).requests).toBe(5);
      expect(await b.checkpoint(HOST_A, KMS)).toMatchObject({ lastRecordId: 305 });
      // and again: nothing new
      expect(await b.writeBatch([...xml, ...csv])).toMatchObject({ requests: 0, duplicates: 10 });
      // both in one batch
      const c = await factory.open();
      expect(await c.writeBatch([...csv, ...xml])).toMatchObject({ requests: 5, duplicates: 5 });
    });

    it('keeps two requests of one client in one second apart when both exports have record ids', async () => {
      const store = await factory.open();
      const [first] = exportWithIds(1, t(11, 10));
      const again = { ...first, recordId: first.recordId! + 1 };
      expect(await store.writeBatch([first, again])).toMatchObject({ requests: 2 });
      // a save without ids lists both: each is the copy of one of them
      expect(await store.writeBatch(withoutIds([first]))).toMatchObject({ requests: 0, duplicates: 1 });
      expect((await store.totals(AT)).requests).toBe(2);
    });

    it('takes an event stored without a log name and the same event with one as one event', async () => {
      const store = await factory.open();
      const xml = exportWithIds(3, t(11, 12));
      // as Get-EventLog | ConvertTo-Json was stored before the log was read from the event
      const unnamed = xml.map((r) => ({ ...r, channel: '', source: 'kms.json (psjson)' }));
      expect(await store.writeBatch(unnamed)).toMatchObject({ requests: 3 });
      expect(await store.writeBatch(xml)).toMatchObject({ requests: 0, duplicates: 3, logClears: 0 });
      expect((await store.totals(AT)).requests).toBe(3);
    });

    it('stores a host event once from an Application-log save without record ids', async () => {
      const store = await factory.open();
      const ok = hostEvent({ recordId: 88001, time: t(11, 5) + 123 });
      expect(await store.writeBatch([ok])).toMatchObject({ hostEvents: 1 });
      expect(await store.writeBatch([{ ...ok, recordId: null, time: t(11, 5), source: 'app.csv (csv-eventviewer)' }])).toMatchObject({ hostEvents: 0, duplicates: 1 });
      expect((await store.hostEventCounts(AT))[0]).toMatchObject({ type: 'dns-publish-ok', count: 1 });
    });

    it('reports records read in the wrong zone, stores none of them and takes them for no log clear', async () => {
      const store = await factory.open();
      const xml = exportWithIds(4, t(11, 10));
      await store.writeBatch(xml);
      // the same records from a CSV whose local times (UTC+1) were read as UTC: one hour later
      const csv = xml.map((r) => ({ ...r, time: Math.floor(r.time / 1000) * 1000 + HOUR, source: 'kms.csv (csv-export)', timeZone: 'UTC' }));
      const result = await store.writeBatch(csv);
      expect(result).toMatchObject({ requests: 0, duplicates: 0, logClears: 0 });
      expect(result.shifted).toEqual([
        expect.objectContaining({ source: 'kms.csv (csv-export)', storedSource: 'kms.xml (xml)', offsetMs: HOUR, records: 4, timeZone: 'UTC' }),
      ]);
      expect(result.shifted![0].samples[0]).toEqual({ time: csv[0].time, storedTime: xml[0].time });
      expect(await store.logClears()).toEqual([]);
      expect(await store.checkpoint(HOST_A, KMS)).toMatchObject({ lastRecordId: 304, epoch: 0 });
      expect((await store.totals(AT)).requests).toBe(4);
    });

    it('withholds the rest of a source read in the wrong zone with its shifted records', async () => {
      const store = await factory.open();
      const xml = exportWithIds(4, t(11, 10));
      await store.writeBatch(xml.slice(0, 2));
      // records 303 and 304 have no stored copy, but come from the same wrongly read file
      const csv = xml.map((r) => ({ ...r, time: r.time - 2 * HOUR, source: 'kms.csv (csv-export)', timeZone: 'America/New_York' }));
      const result = await store.writeBatch(csv);
      expect(result).toMatchObject({ requests: 0, duplicates: 0, withheld: 2 });
      expect(result.shifted?.[0]).toMatchObject({ offsetMs: -2 * HOUR, records: 2 });
      expect((await store.totals(AT)).requests).toBe(2);
    });

    it('does not take a later epoch\'s event for a shifted copy when neither time was read in a zone', async () => {
      const store = await factory.open();
      const [r] = exportWithIds(1, t(11, 10));
      await store.writeBatch([r]);
      // same record id and data an hour later, both from exports with UTC times: a new event
      expect(await store.writeBatch([{ ...r, time: r.time + HOUR }])).toMatchObject({ requests: 1, logClears: 1 });
    });

    it('keeps per host and log the stretches it read, apart only where record ids are missing', async () => {
      const store = await factory.open();
      const first = exportWithIds(3, t(11, 1)); // ids 301-303
      const overlap = exportWithIds(5, t(11, 1)); // ids 301-305, collected later under the same name
      const wrapped = exportWithIds(3, t(11, 20)).map((r) => ({ ...r, recordId: r.recordId! + 1000 })); // 1301-1303
      await store.writeBatch(first);
      await store.writeBatch(overlap);
      await store.writeBatch(wrapped);
      await store.writeBatch([anomaly({ recordId: 306, time: t(11, 2), source: 'other.evtx (evtx)' })]);
      await store.writeBatch(withoutIds(exportWithIds(2, t(11, 25)), 'late.csv (csv-eventviewer)').map((r) => ({ ...r, timeZone: 'Europe/Berlin' })));
      const spans = (await store.coverage()).map(({ host, channel, epoch, source, firstRecordId, lastRecordId, firstTime, lastTime, zone }) => ({ host, channel, epoch, source, firstRecordId, lastRecordId, firstTime, lastTime, zone }));
      expect(spans).toEqual([
        { host: HOST_A, channel: KMS, epoch: 0, source: 'kms.xml (xml)', firstRecordId: 301, lastRecordId: 305, firstTime: first[0].time, lastTime: overlap[4].time, zone: null },
        { host: HOST_A, channel: KMS, epoch: 0, source: 'other.evtx (evtx)', firstRecordId: 306, lastRecordId: 306, firstTime: t(11, 2), lastTime: t(11, 2), zone: null },
        { host: HOST_A, channel: KMS, epoch: 0, source: 'kms.xml (xml)', firstRecordId: 1301, lastRecordId: 1303, firstTime: wrapped[0].time, lastTime: wrapped[2].time, zone: null },
        { host: HOST_A, channel: KMS, epoch: 0, source: 'late.csv (csv-eventviewer)', firstRecordId: null, lastRecordId: null, firstTime: t(11, 25), lastTime: t(11, 25) + 60_000, zone: 'Europe/Berlin' },
      ]);
    });
  });
}
