import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomaly, request } from '../fixtures/records.js';
import { rawQuery, rawRun } from './raw-sql.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { HOST_A, t } from './dataset.js';

const KMS = 'Key Management Service';

/*
 * Migration 1100 adds log_spans and seeds it from what is stored: one stretch per host, log, epoch,
 * source and table (docs/definitions.md "coverage"). The store is brought back to before 1100 by
 * dropping the table and forgetting the migration, then migrated again.
 */
for (const backend of selectedBackends().filter((b) => b !== 'memory')) {
  describe(`${backend}: migration 1100 (log_spans)`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('seeds the coverage of events stored before it', async () => {
      const store = await factory.open();
      await store.writeBatch([
        request({ recordId: 10, time: t(11, 1), cmid: '00000000-0000-4000-8000-000000000010', source: 'a.evtx (evtx)' }),
        request({ recordId: 12, time: t(11, 3), cmid: '00000000-0000-4000-8000-000000000012', source: 'a.evtx (evtx)' }),
        anomaly({ recordId: 11, time: t(11, 2), source: 'a.evtx (evtx)' }),
        request({ recordId: null, time: t(11, 5), source: 'b.csv (csv-eventviewer)' }),
      ]);
      await rawRun(store, 'DROP TABLE log_spans', "DELETE FROM schema_migrations WHERE id = '1100-log-spans'");
      expect(await store.migrate()).toMatchObject({ applied: ['1100-log-spans'] });
      const spans = (await store.coverage()).map(({ source, spanKey, firstTime, lastTime, firstRecordId, lastRecordId, events, zone, channel, host }) => ({ host, channel, source, spanKey, firstTime, lastTime, firstRecordId, lastRecordId, events, zone }));
      expect(spans).toEqual([
        { host: HOST_A, channel: KMS, source: 'a.evtx (evtx)', spanKey: 'stored:requests', firstTime: t(11, 1), lastTime: t(11, 3), firstRecordId: 10, lastRecordId: 12, events: 2, zone: null },
        { host: HOST_A, channel: KMS, source: 'a.evtx (evtx)', spanKey: 'stored:anomalies', firstTime: t(11, 2), lastTime: t(11, 2), firstRecordId: 11, lastRecordId: 11, events: 1, zone: null },
        { host: HOST_A, channel: KMS, source: 'b.csv (csv-eventviewer)', spanKey: 'stored:requests', firstTime: t(11, 5), lastTime: t(11, 5), firstRecordId: null, lastRecordId: null, events: 1, zone: null },
      ]);
    });
  });
}
