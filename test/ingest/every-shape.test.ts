import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { hostLog, writeEveryShape, type ShapeFile, type ShapeHost } from '../helpers/export-shapes.js';
import { backendFactory, selectedBackends, type BackendFactory } from '../store/contract/backends.js';

/*
 * Issue 23's end-to-end check: every export shape of the README's input table, for the same events
 * of two hosts (one in Europe/Berlin, one in America/New_York), ingested into one store, stores
 * each request once, at its true instant, under the true host names. The shapes are written by
 * test/helpers/export-shapes.ts after the fixtures of test/fixtures/sources.
 * Exports that name the computer come first (README: "ingest the exports that name the computer
 * first"); those with wall-clock times are read with the host's zone; Event Viewer's saves, which
 * name no computer, with --host as the short name.
 */
const KMS01 = hostLog('KMS01.corp.contoso.com', 'Europe/Berlin', Date.UTC(2026, 1, 2, 8, 15, 42));
const KMS02 = hostLog('kms02.corp.contoso.com', 'America/New_York', Date.UTC(2026, 1, 3, 15, 0, 7), { firstRecord: 501, clientBase: 100 });
const AT = Date.UTC(2026, 1, 20);
const SHAPES = [
  'evtx', 'xml /e:Events', 'xml fragments', 'Get-WinEvent ConvertTo-Json', 'Get-EventLog ConvertTo-Json', 'Get-EventLog Export-Csv',
  'wevtutil /f:text', 'Event Viewer CSV', 'Event Viewer TXT', 'Winlogbeat', 'Fluent Bit', 'NXLog', 'OpenWEC',
];

let dir: string;
let files: ShapeFile[];
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-shapes-'));
  files = writeEveryShape(dir, [KMS01, KMS02]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const requestsOf = (h: ShapeHost) => h.events.filter((e) => e.eventId === 12290);

for (const backend of selectedBackends()) {
  describe(`${backend}: every export shape of the same events`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('stores each request once, at its true instant, under the true hosts', async () => {
      expect([...new Set(files.map((f) => f.shape))].sort()).toEqual([...SHAPES].sort());
      const store = await factory.open();
      const newPerShape: Record<string, number> = {};
      for (const host of [KMS01, KMS02]) {
        const own = files.filter((f) => f.host === host);
        const steps: [ShapeFile[], { timezone: string; host?: string }][] = [
          [own.filter((f) => !f.local && !f.hostless), { timezone: 'UTC' }],
          [own.filter((f) => f.local && !f.hostless), { timezone: host.zone }],
          [own.filter((f) => f.hostless), { timezone: host.zone, host: host.fqdn.split('.')[0] }],
        ];
        for (const [group, opts] of steps) {
          for (const f of group) {
            const summary = await ingestFiles(store, [f.file], opts);
            expect(summary.issues, `${f.shape} ${path.basename(f.file)}`).toEqual([]);
            // every event of the file was read and is a KMS event (none ignored, none an anomaly)
            expect([summary.events, summary.ignored, summary.anomalies], path.basename(f.file)).toEqual([f.events, 0, 0]);
            newPerShape[f.shape] = (newPerShape[f.shape] ?? 0) + summary.requests + summary.hostEvents;
          }
        }
      }
      // the first shape read stored every event (6 requests and 2 host events per host); no other added one
      expect(newPerShape).toEqual(Object.fromEntries(SHAPES.map((s) => [s, s === 'evtx' ? 16 : 0])));

      expect(await store.totals(AT)).toMatchObject({ requests: 12, clients: 12, hosts: 2 });
      expect((await store.hostActivity(AT)).map((h) => [h.host, h.requests])).toEqual([['KMS01.corp.contoso.com', 6], ['kms02.corp.contoso.com', 6]]);
      const events = (await store.hostEventCounts(AT)).map((e) => [e.host, e.type, e.count]);
      expect(events.sort()).toEqual([
        ['KMS01.corp.contoso.com', 'dns-publish-failed', 1], ['KMS01.corp.contoso.com', 'dns-publish-ok', 1],
        ['kms02.corp.contoso.com', 'dns-publish-failed', 1], ['kms02.corp.contoso.com', 'dns-publish-ok', 1],
      ]);
      expect(await store.logClears()).toEqual([]);
      for (const host of [KMS01, KMS02]) {
        for (const e of requestsOf(host)) {
          const cmid = e.data[4];
          const rows = await store.clientRequests(cmid, 10);
          expect(rows.map((r) => [r.host, r.recordId, Math.floor(r.time / 1000)]), cmid).toEqual([[host.fqdn, e.recordId, Math.floor(e.time / 1000)]]);
        }
      }
      // every request's data came through: the clients' latest requests match the events
      const clients = await store.latestClients(AT);
      expect(clients).toHaveLength(12);
      const truth = [KMS01, KMS02].flatMap(requestsOf).map((e) => ({ cmid: e.data[4], machine: e.data[3], result: Number.parseInt(e.data[1], 16) >>> 0 }));
      expect(clients.map((c) => ({ cmid: c.cmid, machine: c.machine, result: c.result })).sort((a, b) => a.cmid.localeCompare(b.cmid))).toEqual(truth.sort((a, b) => a.cmid.localeCompare(b.cmid)));
    });
  });
}
