import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { requestEvent, type SimEvent } from '../../src/simulate/events.js';
import type { Store } from '../../src/store/types.js';
import { writeEveryShape, type ShapeFile } from '../helpers/export-shapes.js';
import { backendFactory, selectedBackends, type BackendFactory } from '../store/contract/backends.js';

/*
 * A KMS host in Europe/Berlin across the end of daylight saving time: on 2026-10-25 the clocks go
 * from 03:00 CEST (+02:00) back to 02:00 CET (+01:00), so 02:00-02:59 local happens twice.
 * Record, true instant (UTC) and the local time a Berlin host writes (derived by hand):
 *   1001  2026-10-24 23:50:00Z  01:50:00 (+2)
 *   1002  2026-10-25 00:15:00Z  02:15:00 (+2, first 02:xx)
 *   1003  2026-10-25 00:45:00Z  02:45:00 (+2, first 02:xx)
 *   1004  2026-10-25 01:05:00Z  02:05:00 (+1, second 02:xx: local time runs backwards, record id forwards)
 *   1005  2026-10-25 01:40:00Z  02:40:00 (+1, second 02:xx)
 *   1006  2026-10-25 02:10:00Z  03:10:00 (+1)
 * The XML export carries the UTC instants; Get-EventLog | Export-Csv and Event Viewer's save the
 * local times (newest first, en-US), the CSV with record ids (Index), Event Viewer's without.
 */
const HOST = 'KMS01.corp.contoso.com';
const TRUE_TIMES = [
  Date.UTC(2026, 9, 24, 23, 50), Date.UTC(2026, 9, 25, 0, 15), Date.UTC(2026, 9, 25, 0, 45),
  Date.UTC(2026, 9, 25, 1, 5), Date.UTC(2026, 9, 25, 1, 40), Date.UTC(2026, 9, 25, 2, 10),
];
const AT = Date.UTC(2026, 10, 1);
const cmidOf = (i: number) => `${String(i + 1).padStart(8, '0')}-1111-4111-8111-111111111111`;

function events(): SimEvent[] {
  return TRUE_TIMES.map((time, i) => requestEvent(HOST, time + 250, 1001 + i, {
    result: 0, minimumCount: 25, machine: `PC${i + 1}.corp.contoso.com`, cmid: cmidOf(i), clientTime: time - 60_000,
    isVm: false, licenseState: 1, minutesLeft: 0, activationId: '2de67392-b7a7-462a-b1ca-108dd189f588',
  }));
}

let dir: string;
let shapes: ShapeFile[];
/** A second log: 01:50 CEST (23:50Z), 02:30 CET (01:30Z: the second 02:30), 03:10 CET (02:10Z). */
const FOLD_TIMES = [Date.UTC(2026, 9, 24, 23, 50), Date.UTC(2026, 9, 25, 1, 30), Date.UTC(2026, 9, 25, 2, 10)];
let fold: ShapeFile[];
const shape = (name: string, log = 'kms') => shapes.find((f) => f.shape === name && (f.file.includes(`-${log}.`) || !/-(kms|app)\./.test(f.file)))!.file;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-dst-'));
  shapes = writeEveryShape(dir, [{ fqdn: HOST, zone: 'Europe/Berlin', events: events() }]);
  const foldDir = path.join(dir, 'fold');
  mkdirSync(foldDir);
  fold = writeEveryShape(foldDir, [{ fqdn: HOST, zone: 'Europe/Berlin', events: events().slice(0, 3).map((e, i) => requestEvent(HOST, FOLD_TIMES[i], 2001 + i, {
    result: 0, minimumCount: 25, machine: `PC${i + 1}.corp.contoso.com`, cmid: cmidOf(i), clientTime: FOLD_TIMES[i] - 60_000,
    isVm: false, licenseState: 1, minutesLeft: 0, activationId: '2de67392-b7a7-462a-b1ca-108dd189f588',
  })) }]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each request's stored (host, record id, second) by CMID. */
async function stored(store: Store): Promise<[string, number | null, number][]> {
  const out: [string, number | null, number][] = [];
  for (let i = 0; i < TRUE_TIMES.length; i++) {
    for (const r of await store.clientRequests(cmidOf(i), 10)) out.push([r.host, r.recordId, Math.floor(r.time / 1000)]);
  }
  return out;
}
const truth = (host = HOST, ids = true) => TRUE_TIMES.map((t, i): [string, number | null, number] => [host, ids ? 1001 + i : null, t / 1000]);

for (const backend of selectedBackends()) {
  describe(`${backend}: local times across the end of daylight saving time`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('writes the repeated hour twice in the CSV (the fixture is what a Berlin host writes)', () => {
      const csv = readFileSync(shape('Get-EventLog Export-Csv'), 'utf8');
      const times = [...csv.matchAll(/"(10\/2[45]\/2026 [^"]+)","\1"/g)].map((m) => m[1]);
      expect(times).toEqual(['10/25/2026 3:10:00 AM', '10/25/2026 2:40:00 AM', '10/25/2026 2:05:00 AM', '10/25/2026 2:45:00 AM', '10/25/2026 2:15:00 AM', '10/24/2026 1:50:00 AM'].map((t) => t.replace('10/24/2026 1:50', '10/25/2026 1:50')));
    });

    it('reads each time of the repeated hour at its true instant, by record id', async () => {
      const store = await factory.open();
      const summary = await ingestFiles(store, [shape('Get-EventLog Export-Csv')], { timezone: 'Europe/Berlin' });
      expect(summary).toMatchObject({ requests: 6, issues: [], ambiguousByOrder: 4, ambiguousEarlier: 0, logClears: 0 });
      expect(await stored(store)).toEqual(truth());
    });

    it('reads them by the file\'s order where there are no record ids (Event Viewer, newest first)', async () => {
      const store = await factory.open();
      const summary = await ingestFiles(store, [shape('Event Viewer CSV')], { timezone: 'Europe/Berlin', host: 'KMS01' });
      expect(summary).toMatchObject({ requests: 6, issues: [], ambiguousByOrder: 4, ambiguousEarlier: 0 });
      expect(await stored(store)).toEqual(truth('KMS01', false));
    });

    it('stores each request once with the XML export of the same records, in either order', async () => {
      const a = await factory.open();
      expect(await ingestFiles(a, [shape('xml /e:Events')], { timezone: 'UTC' })).toMatchObject({ requests: 6, issues: [] });
      expect(await ingestFiles(a, [shape('Get-EventLog Export-Csv')], { timezone: 'Europe/Berlin' })).toMatchObject({ requests: 0, duplicates: 6, logClears: 0, issues: [] });
      expect(await stored(a)).toEqual(truth().map(([h, id, s]) => [h, id, s]));
      const b = await factory.open();
      await ingestFiles(b, [shape('Get-EventLog Export-Csv')], { timezone: 'Europe/Berlin' });
      expect(await ingestFiles(b, [shape('xml /e:Events')], { timezone: 'UTC' })).toMatchObject({ requests: 0, duplicates: 6, logClears: 0, issues: [] });
      expect((await b.totals(AT)).requests).toBe(6);
    });

    it('takes a time of the repeated hour read as its other instant, for want of an order, for the same event as its copy', async () => {
      const save = fold.find((f) => f.shape === 'Event Viewer CSV' && f.file.includes('-kms.'))!.file;
      const xml = fold.find((f) => f.shape === 'xml /e:Events')!.file;
      // the save first: 02:30 lies between 01:50 CEST and 03:10 CET either way, read as the earlier
      // instant (00:30Z); the XML export says 01:30Z: the same event an hour off, not stored again
      const a = await factory.open();
      expect(await ingestFiles(a, [save], { timezone: 'Europe/Berlin', host: HOST })).toMatchObject({ requests: 3, ambiguousByOrder: 0, ambiguousEarlier: 1, issues: [] });
      expect(await ingestFiles(a, [xml], { timezone: 'UTC' })).toMatchObject({ requests: 0, duplicates: 3, shifted: 0, logClears: 0, issues: [] });
      expect((await a.totals(AT)).requests).toBe(3);
      // the XML first: the save's 02:30, read as 00:30Z, is its 01:30Z copy
      const b = await factory.open();
      await ingestFiles(b, [xml], { timezone: 'UTC' });
      expect(await ingestFiles(b, [save], { timezone: 'Europe/Berlin', host: 'KMS01' })).toMatchObject({ requests: 0, duplicates: 3, shifted: 0, withheld: 0, logClears: 0, issues: [] });
      expect(await stored(b)).toEqual(FOLD_TIMES.map((t, i) => [HOST, 2001 + i, t / 1000]));
    });

    it('adds nothing from the same CSV read in the wrong zone, and names the offset and the zone that fits', async () => {
      const store = await factory.open();
      await ingestFiles(store, [shape('xml /e:Events')], { timezone: 'UTC' });
      // read as UTC, 01:50 CEST (23:50Z) becomes 01:50Z: 2 h later; 02:05 CET (01:05Z) 02:05Z: 1 h later
      const summary = await ingestFiles(store, [shape('Get-EventLog Export-Csv')], { timezone: 'UTC' });
      expect(summary).toMatchObject({ requests: 0, duplicates: 0, logClears: 0, shifted: 6 });
      expect(summary.issues).toHaveLength(1);
      const reason = summary.issues[0].reason;
      expect(reason).toMatch(/^times 1 h later or 2 h later than the stored copies of the same 6 records \(KMS01\.corp\.contoso\.com, log Key Management Service; stored from .*xml-events\.xml \(xml\)\)/);
      expect(reason).toContain('read in UTC');
      // the zones named are ones whose clocks show these times at the true instants: Berlin's rules
      const named = [...reason.matchAll(/--timezone ([\w/+-]+)/g)].map((m) => m[1]);
      expect(named.length).toBeGreaterThan(0);
      for (const zone of named) {
        const local = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric' });
        expect(TRUE_TIMES.map((t) => local.format(t)), zone).toEqual(['01:50', '02:15', '02:45', '02:05', '02:40', '03:10']);
      }
      expect(await stored(store)).toEqual(truth());
      expect(await store.logClears()).toEqual([]);
    });
  });
}
