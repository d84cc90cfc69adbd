/**
 * Events from damaged EVTX chunks on every backend: Store.markDamaged / damagedEvents on the
 * hand-made dataset, then the false clone and the bogus host of a bit-flipped simulator log
 * (test/helpers/damaged-evtx.ts) through ingestFiles and buildReport.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/analysis/report.js';
import { ingestFiles } from '../../../src/ingest/ingest.js';
import type { KmsRecord } from '../../../src/kms/types.js';
import type { DamageMark, Store } from '../../../src/store/types.js';
import { damagedFleet, type DamagedFleet } from '../../helpers/damaged-evtx.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { AT, C5, HOST_A, HOST_B, handDataset, t } from './dataset.js';

let dir: string;
let fleet: DamagedFleet;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-damaged-'));
  fleet = damagedFleet(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mark = (r: KmsRecord, file: string, chunk: number, host = r.host): DamageMark => ({ host, channel: r.channel, recordId: r.recordId!, time: r.time, file, chunk, checks: 'chunk data CRC' });

for (const backend of selectedBackends()) {
  describe(`${backend}: damage marks`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    }, 120_000);
    afterAll(async () => factory?.dispose());

    it('damagedEvents lists the stored events a mark names, up to at, whatever the host spelling', async () => {
      const store = await factory.open();
      const records = handDataset();
      const byId = (id: number) => records.find((r) => r.recordId === id)!;
      await store.writeBatch(records);
      await store.markDamaged([
        mark(byId(12), 'a.evtx', 3, HOST_B.toUpperCase()), // CLONE-B's request, host in other case
        mark(byId(12), 'b.evtx', 9), // marked again from another file: the first mark stays
        mark(byId(101), 'a.evtx', 1), // a host event (dns-publish-failed)
        mark(byId(8), 'a.evtx', 2), // an anomaly after AT
        { ...mark(byId(3), 'a.evtx', 1), recordId: 999 }, // names nothing stored
      ]);
      const rows = await store.damagedEvents(AT);
      // by hand: record 101 (Nov 5, HOST_A, chunk 1) and record 12 (Nov 26, HOST_B, chunk 3); 8 is after AT
      expect(rows).toEqual([
        { kind: 'host', host: HOST_A, channel: byId(101).channel, recordId: 101, time: t(11, 5), file: 'a.evtx', chunk: 1, checks: 'chunk data CRC', machine: null, cmid: null, result: null },
        { kind: 'request', host: HOST_B, channel: byId(12).channel, recordId: 12, time: t(11, 26), file: 'a.evtx', chunk: 3, checks: 'chunk data CRC', machine: 'CLONE-B', cmid: C5, result: 0 },
      ]);
      expect((await store.damagedEvents(t(12, 3))).map((r) => [r.kind, r.recordId])).toEqual([['host', 101], ['anomaly', 8], ['request', 12]]);
    });

    it('a mark written before its event is stored matches once the event is', async () => {
      const store = await factory.open();
      const r = handDataset().find((x) => x.recordId === 5)!;
      await store.markDamaged([mark(r, 'c.evtx', 0)]);
      expect(await store.damagedEvents(AT)).toEqual([]);
      await store.writeBatch([r]);
      expect((await store.damagedEvents(AT)).map((x) => x.recordId)).toEqual([5]);
    });

    describe('a bit-flipped simulator log', () => {
      let store: Store;
      beforeAll(async () => {
        store = await factory.open();
      });

      it('ingest: one problem per damaged chunk, their events kept and counted', async () => {
        const summary = await ingestFiles(store, [fleet.damaged], { timezone: 'UTC' });
        expect(summary.issues.map((i) => [i.check, i.chunk, i.firstRecordId, i.lastRecordId])).toEqual([
          ['chunk data CRC', fleet.machineRecord.chunk, fleet.machineChunkIds.first, fleet.machineChunkIds.last],
          ['chunk data CRC', fleet.hostRecord.chunk, fleet.hostChunkIds.first, fleet.hostChunkIds.last],
        ]);
        expect(summary.damagedKept).toBe(fleet.machineChunkRecords + fleet.hostChunkRecords);
      }, 60_000);

      it('report: the false clone, the bogus host and the failure under the flipped name say they rest on damaged chunks', async () => {
        const report = await buildReport(store, { at: fleet.newest, timezone: 'UTC' });
        const clone = report.clones.find((c) => c.cmid.toLowerCase() === fleet.cmid.toLowerCase());
        expect(clone).toMatchObject({ machines: [fleet.machine, fleet.flippedMachine], damagedOnly: true });
        expect(report.hosts.map((h) => [h.host, h.damagedOnly])).toEqual([[fleet.host, false], [fleet.flippedHost, true]]);
        const flippedFailure = report.failures.find((f) => f.machine === fleet.flippedMachine);
        expect(flippedFailure).toMatchObject({ result: fleet.resultHex, requests: 1, damagedOnly: true });
        // the clean failures of the same machine on the real host are not flagged
        expect(report.failures.find((f) => f.machine === fleet.machine && f.host === fleet.host)?.damagedOnly).toBe(false);
        // chunk 2: the KMS host as written; chunk 4: every record under the flipped host (its
        // Computer is in the chunk's template definition, shared by the chunk's records)
        expect(report.damaged).toEqual({
          requests: fleet.machineChunkRecords + fleet.hostChunkRecords,
          events: 0,
          chunks: [
            { file: fleet.damaged, chunk: fleet.machineRecord.chunk, check: 'chunk data CRC', host: fleet.host, channel: 'Key Management Service', firstRecordId: fleet.machineChunkIds.first, lastRecordId: fleet.machineChunkIds.last, requests: fleet.machineChunkRecords, events: 0 },
            { file: fleet.damaged, chunk: fleet.hostRecord.chunk, check: 'chunk data CRC', host: fleet.flippedHost, channel: 'Key Management Service', firstRecordId: fleet.hostChunkIds.first, lastRecordId: fleet.hostChunkIds.last, requests: fleet.hostChunkRecords, events: 0 },
          ],
        });
      }, 60_000);

      it('the clean log: no clone, no second host, nothing damaged', async () => {
        const clean = await factory.open();
        const summary = await ingestFiles(clean, [fleet.clean], { timezone: 'UTC' });
        expect([summary.issues, summary.damagedKept]).toEqual([[], 0]);
        const report = await buildReport(clean, { at: fleet.newest, timezone: 'UTC' });
        expect([report.clones, report.hosts.map((h) => h.host), report.damaged]).toEqual([[], [fleet.host], { requests: 0, events: 0, chunks: [] }]);
      }, 60_000);

      it('skipDamaged: the damaged chunks are left out, and with them the clone and the bogus host', async () => {
        const skipped = await factory.open();
        const summary = await ingestFiles(skipped, [fleet.damaged], { timezone: 'UTC', skipDamaged: true });
        expect([summary.issues.length, summary.damagedKept, summary.damagedSkipped]).toEqual([2, 0, fleet.machineChunkRecords + fleet.hostChunkRecords]);
        const report = await buildReport(skipped, { at: fleet.newest, timezone: 'UTC' });
        expect([report.clones, report.hosts.map((h) => h.host), report.damaged.chunks]).toEqual([[], [fleet.host], []]);
      }, 60_000);
    });
  });
}
