import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/types.js';
import { anomaly, hostEvent, OFFICE, request, SERVER, WIN_PRO } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';

/*
 * A second hand-made fleet beside dataset.ts (queries.test.ts), for the edges that one lacks: a
 * request exactly on the window's left edge (out) and one exactly at `at` (in), a host written in
 * two spellings, one application under two minimum counts, a host with host events only, anomalies
 * that move a checkpoint. Every expected value below is derived by hand from this table. Lists are
 * compared sorted where the Store interface pins no order (as in queries.test.ts).
 * at = 2026-11-30 00:00Z; window = (2026-10-31 00:00Z, 2026-11-30 00:00Z].
 *
 *  req  host (as written)      id  time          machine            cmid product  result      notes
 *  r1   KMS01.corp.example     2   Nov 1 08:00   PC1.corp.example   A    WinPro   0           state 1
 *  r2   KMS01.corp.example     3   Nov 2 08:00   pc1.corp.example   A    Office   0           same machine: no clone
 *  r3   KMS01.corp.example     4   Nov 3 08:00   PC2                B    WinPro   0           VM
 *  r4   KMS01.corp.example     5   Nov 4 08:00   PC3                B    WinPro   0           B under 2 names: clone
 *  r5   KMS01.corp.example     6   Nov 5 08:00   SRV1               C    Server   0xC004F06C  state 2
 *  r6   KMS01.corp.example     7   Nov 6 08:00   srv1               C    Server   0xC004F06C  state 2
 *  r7   KMS01.corp.example     1   Oct 31 00:00  OLD1               D    WinPro   0           = at−30d: outside window
 *  r10  kms01.CORP.example     8   Nov 7 08:00   PC1.corp.example   A    WinPro   0           state 1, 259000 min
 *  r11  KMS01.corp.example     9   Nov 8 08:00   SRV2               G    Server   0
 *  r8   kms02.corp.example     1   Nov 30 00:00  PC5                E    WinPro   0           = at: inside; VM
 *  r9   kms02.corp.example     2   Nov 30 01:00  PC6                F    WinPro   0           after at: ignored
 */
const H = 3600_000;
const DAY = 24 * H;
const D = (day: number, hour = 0) => Date.UTC(2026, 10, day, hour);
const AT = D(30);
const FROM = AT - 30 * DAY;
const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const C = 'cccccccc-0000-4000-8000-000000000003';
const Dc = 'dddddddd-0000-4000-8000-000000000004';
const E = 'eeeeeeee-0000-4000-8000-000000000005';
const F = 'ffffffff-0000-4000-8000-000000000006';
const G = '99999999-0000-4000-8000-000000000007';
const K1 = 'KMS01.corp.example';
const K2 = 'kms02.corp.example';
const F06C = 0xc004f06c;
const byKey = <T>(rows: T[], key: (r: T) => string): T[] => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

const win = { product: WIN_PRO, activationId: WIN_PRO.activationId, minimumCount: 25 };
const office = { product: OFFICE, activationId: OFFICE.activationId, minimumCount: 5 };
const server = { product: SERVER, activationId: SERVER.activationId, minimumCount: 5 };
const failed = { result: F06C, resultHex: '0xC004F06C', licenseState: 2 };

const requests = [
  request({ host: K1, recordId: 2, time: D(1, 8), machine: 'PC1.corp.example', cmid: A, ...win, licenseState: 1, minutesLeft: 259200 }),
  request({ host: K1, recordId: 3, time: D(2, 8), machine: 'pc1.corp.example', cmid: A, ...office }),
  request({ host: K1, recordId: 4, time: D(3, 8), machine: 'PC2', cmid: B, ...win, isVm: true }),
  request({ host: K1, recordId: 5, time: D(4, 8), machine: 'PC3', cmid: B, ...win }),
  request({ host: K1, recordId: 6, time: D(5, 8), machine: 'SRV1', cmid: C, ...server, ...failed }),
  request({ host: K1, recordId: 7, time: D(6, 8), machine: 'srv1', cmid: C, ...server, ...failed }),
  request({ host: K1, recordId: 1, time: FROM, machine: 'OLD1', cmid: Dc, ...win }),
  request({ host: 'kms01.CORP.example', recordId: 8, time: D(7, 8), machine: 'PC1.corp.example', cmid: A, ...win, licenseState: 1, minutesLeft: 259000 }),
  request({ host: K1, recordId: 9, time: D(8, 8), machine: 'SRV2', cmid: G, ...server }),
  request({ host: K2, recordId: 1, time: AT, machine: 'PC5', cmid: E, ...win, isVm: true }),
  request({ host: K2, recordId: 2, time: AT + H, machine: 'PC6', cmid: F, ...win }),
];

/*
 * Host events (Application channel): KMS01 12294 ok Nov 1 09:00 (corp.example); 12293 failed Nov 2
 * 09:00 (0x80070005, corp.example) and Nov 3 09:00 (0x8007232B, other.example). KMS03: 12293 failed
 * Nov 4 09:00 (0x1) and one after at. Anomalies: one Nov 3 09:00, one a day after at.
 */
const others = [
  hostEvent({ host: K1, recordId: 1, time: D(1, 9), type: 'dns-publish-ok', eventId: 12294, resultHex: null, domain: 'corp.example' }),
  hostEvent({ host: K1, recordId: 2, time: D(2, 9), type: 'dns-publish-failed', eventId: 12293, resultHex: '0x80070005', domain: 'corp.example' }),
  hostEvent({ host: K1, recordId: 3, time: D(3, 9), type: 'dns-publish-failed', eventId: 12293, resultHex: '0x8007232B', domain: 'other.example' }),
  hostEvent({ host: 'KMS03', recordId: 1, time: D(4, 9), type: 'dns-publish-failed', eventId: 12293, resultHex: '0x1', domain: 'corp.example' }),
  hostEvent({ host: 'KMS03', recordId: 2, time: AT + H, type: 'dns-publish-failed', eventId: 12293, resultHex: '0x2', domain: 'corp.example' }),
  anomaly({ host: K1, recordId: 100, time: D(3, 9), reason: 'event 4242' }),
  anomaly({ host: K1, recordId: 101, time: AT + DAY, reason: 'later' }),
];

for (const backend of selectedBackends()) {
  describe(`${backend}: queries on a tiny fleet`, () => {
    let factory: BackendFactory;
    let store: Store;
    beforeAll(async () => {
      factory = await backendFactory(backend);
      store = await factory.open();
      // the KMS channel of KMS01 in record-id order (r7 is its oldest record), in two batches
      await store.writeBatch([requests[6], ...requests.slice(0, 6)]);
      await store.writeBatch([...requests.slice(7), ...others]);
    });
    afterAll(async () => factory?.dispose());

    it('totals: 10 requests ≤ at, clients A B C D E G, 7 machines (pc1/PC1 one), 2 hosts, 1 anomaly', async () => {
      expect(await store.totals(AT)).toEqual({ requests: 10, clients: 6, machines: 7, hosts: 2, anomalies: 1 });
    });

    it('windowActive: r7 on the left edge and r9 after at are out; r5/r6 failed are not counted', async () => {
      // K1 Windows: A (r1, r10), B (r3, r4), G (r11) = 3; K1 Office: A (r2); K2 Windows: E (r8, at `at`)
      const rows = await store.windowActive(FROM, AT);
      expect(byKey(rows, (r) => `${r.host.toLowerCase()}/${r.application}`)).toEqual([
        { host: K1, application: 'Office', active: 1, maxMinimum: 5 },
        { host: K1, application: 'Windows', active: 3, maxMinimum: 25 },
        { host: K2, application: 'Windows', active: 1, maxMinimum: 25 },
      ]);
    });

    it('windowCounts: per minimum count', async () => {
      // K1 Windows needing 25: A, B; needing 5: G (Server; C failed)
      const rows = await store.windowCounts(FROM, AT);
      expect(byKey(rows, (r) => `${r.host.toLowerCase()}/${r.application}/${String(r.minimumCount).padStart(3, '0')}`)).toEqual([
        { host: K1, application: 'Office', minimumCount: 5, clients: 1 },
        { host: K1, application: 'Windows', minimumCount: 5, clients: 1 },
        { host: K1, application: 'Windows', minimumCount: 25, clients: 2 },
        { host: K2, application: 'Windows', minimumCount: 25, clients: 1 },
      ]);
    });

    it('clones: B under PC2 and PC3; A (Windows + Office, one name in two spellings) is not a clone', async () => {
      expect(await store.clones(AT)).toEqual([{ cmid: B, machines: ['PC2', 'PC3'], firstSeen: D(3, 8), lastSeen: D(4, 8) }]);
      expect(await store.clones(D(4, 7))).toEqual([]);
    });

    it('failures: SRV1/srv1 grouped case-insensitively, with the product they asked for', async () => {
      // r5 and r6 are Server requests (the table above)
      expect(await store.failures(FROM, AT)).toEqual([
        { machine: 'SRV1', cmid: C, host: K1, result: F06C, requests: 2, lastAt: D(6, 8), productName: SERVER.name },
      ]);
      // the window is left-open: from r5's instant leaves r6 only
      expect(await store.failures(D(5, 8), AT)).toEqual([
        { machine: 'srv1', cmid: C, host: K1, result: F06C, requests: 1, lastAt: D(6, 8), productName: SERVER.name },
      ]);
    });

    it('latestClients: one row per (cmid, application), fields of the latest request', async () => {
      const rows = byKey(await store.latestClients(AT), (r) => `${r.cmid}/${r.application}`);
      expect(rows.map((r) => [r.cmid, r.application, r.lastSeen, r.firstSeen, r.requests])).toEqual([
        [G, 'Windows', D(8, 8), D(8, 8), 1],
        [A, 'Office', D(2, 8), D(2, 8), 1],
        [A, 'Windows', D(7, 8), D(1, 8), 2],
        [B, 'Windows', D(4, 8), D(3, 8), 2],
        [C, 'Windows', D(6, 8), D(5, 8), 2],
        [Dc, 'Windows', FROM, FROM, 1],
        [E, 'Windows', AT, AT, 1],
      ]);
      // A's latest Windows request is r10, written under the host spelled kms01.CORP.example
      expect(rows[2]).toEqual({
        cmid: A, application: 'Windows', machine: 'PC1.corp.example', host: K1,
        activationId: WIN_PRO.activationId, productName: WIN_PRO.name, licenseState: 1, minutesLeft: 259000,
        isVm: false, result: 0, minimumCount: 25, lastSeen: D(7, 8), firstSeen: D(1, 8), requests: 2,
      });
      expect(rows[4]).toMatchObject({ machine: 'srv1', result: F06C, licenseState: 2 });
      // B's latest request (r4) is not a VM although r3 was
      expect(rows[3]).toMatchObject({ machine: 'PC3', isVm: false });
    });

    it('latestClients filters apply to the latest request', async () => {
      const ids = async (f: Parameters<Store['latestClients']>[1]) =>
        (await store.latestClients(AT, f)).map((r) => `${r.cmid.slice(0, 2)}/${r.application}`).sort();
      expect(await ids({ host: 'KMS02.CORP.EXAMPLE' })).toEqual(['ee/Windows']);
      expect(await ids({ application: 'Office' })).toEqual(['aa/Office']);
      expect(await ids({ vm: true })).toEqual(['ee/Windows']);
      expect(await ids({ vm: false })).toHaveLength(6);
      expect(await ids({ state: 2 })).toEqual(['cc/Windows']);
      expect(await ids({ search: 'PC1' })).toEqual(['aa/Office', 'aa/Windows']);
      expect(await ids({ search: 'BBBBBBBB' })).toEqual(['bb/Windows']);
      expect(await ids({ activationId: OFFICE.activationId.toUpperCase() })).toEqual(['aa/Office']);
      expect(await ids({ host: K1, application: 'Windows', state: 5 })).toEqual(['99/Windows', 'bb/Windows', 'dd/Windows']);
    });

    it('products: requests and distinct clients per activation id', async () => {
      // Win Pro: A (r1, r10), B (r3, r4), D (r7), E (r8) = 4 clients, 6 requests; Server: C x2, G = 2, 3
      const rows = byKey(await store.products(AT), (r) => r.activationId);
      expect(rows).toEqual(
        byKey(
          [
            { activationId: WIN_PRO.activationId, productName: WIN_PRO.name, application: 'Windows', clients: 4, requests: 6, lastSeen: AT },
            { activationId: SERVER.activationId, productName: SERVER.name, application: 'Windows', clients: 2, requests: 3, lastSeen: D(8, 8) },
            { activationId: OFFICE.activationId, productName: OFFICE.name, application: 'Office', clients: 1, requests: 1, lastSeen: D(2, 8) },
          ],
          (r) => r.activationId,
        ),
      );
    });

    it('hostActivity: hosts grouped case-insensitively; a host with only host events has no requests', async () => {
      expect(byKey(await store.hostActivity(AT), (r) => r.host.toLowerCase())).toEqual([
        { host: K1, requests: 9, firstRequestAt: FROM, lastRequestAt: D(8, 8) },
        { host: K2, requests: 1, firstRequestAt: AT, lastRequestAt: AT },
        { host: 'KMS03', requests: 0, firstRequestAt: null, lastRequestAt: null },
      ]);
    });

    it('hostEventCounts: count per host and type with the latest result and domain', async () => {
      expect(byKey(await store.hostEventCounts(AT), (r) => `${r.host.toLowerCase()}/${r.type}`)).toEqual([
        { host: K1, type: 'dns-publish-failed', count: 2, lastAt: D(3, 9), lastResultHex: '0x8007232B', lastDomain: 'other.example' },
        { host: K1, type: 'dns-publish-ok', count: 1, lastAt: D(1, 9), lastResultHex: null, lastDomain: 'corp.example' },
        { host: 'KMS03', type: 'dns-publish-failed', count: 1, lastAt: D(4, 9), lastResultHex: '0x1', lastDomain: 'corp.example' },
      ]);
    });

    it('anomalies: total and rows up to at', async () => {
      const { total, rows } = await store.anomalies(AT, 10);
      expect(total).toBe(1);
      expect(rows).toEqual([{
        host: K1, channel: 'Key Management Service', eventId: 4242, recordId: 100, time: D(3, 9),
        provider: 'Microsoft-Windows-Security-SPP', reason: 'event 4242', raw: 'payload', source: 'test (xml)',
      }]);
      // newest first: limit 1 a day after the later one gives the later one
      expect((await store.anomalies(AT + 2 * DAY, 1)).rows.map((r) => r.reason)).toEqual(['later']);
    });

    it('dailyActivity: per UTC day, clients with 0x0 and all requests', async () => {
      const sorted = (rows: Awaited<ReturnType<Store['dailyActivity']>>) => byKey(rows, (r) => `${r.host.toLowerCase()}/${r.application}/${r.day}`);
      expect(sorted(await store.dailyActivity(null, FROM, AT))).toEqual([
        { host: K1, application: 'Office', day: D(2), clients: 1, requests: 1 },
        { host: K1, application: 'Windows', day: D(1), clients: 1, requests: 1 },
        { host: K1, application: 'Windows', day: D(3), clients: 1, requests: 1 },
        { host: K1, application: 'Windows', day: D(4), clients: 1, requests: 1 },
        { host: K1, application: 'Windows', day: D(5), clients: 0, requests: 1 },
        { host: K1, application: 'Windows', day: D(6), clients: 0, requests: 1 },
        { host: K1, application: 'Windows', day: D(7), clients: 1, requests: 1 },
        { host: K1, application: 'Windows', day: D(8), clients: 1, requests: 1 },
        { host: K2, application: 'Windows', day: D(30), clients: 1, requests: 1 },
      ]);
      expect(await store.dailyActivity('KMS02.corp.example', FROM, AT)).toEqual([
        { host: K2, application: 'Windows', day: D(30), clients: 1, requests: 1 },
      ]);
    });

    it('clientRequests: newest first, CMID case-insensitive, limited', async () => {
      const rows = await store.clientRequests(B.toUpperCase(), 10);
      expect(rows.map((r) => [r.recordId, r.machine, r.isVm])).toEqual([[5, 'PC3', false], [4, 'PC2', true]]);
      expect(rows[0]).toEqual({
        host: K1, recordId: 5, time: D(4, 8), resultHex: '0x0', machine: 'PC3', cmid: B, licenseState: 5,
        minutesLeft: 0, activationId: WIN_PRO.activationId, productName: WIN_PRO.name, isVm: false,
        minimumCount: 25, source: 'test (xml)',
      });
      expect(await store.clientRequests(B, 1)).toHaveLength(1);
    });

    it('checkpoints: one per host and channel, the newest record of each', async () => {
      const cps = byKey(await store.checkpoints(), (c) => `${c.host.toLowerCase()}/${c.channel}`).map((c) => [c.host, c.channel, c.lastRecordId, c.lastTime, c.epoch]);
      expect(cps).toEqual([
        [K1, 'Application', 3, D(3, 9), 0],
        // r10 (id 8) then r11 (id 9) then the anomalies (ids 100, 101: later times)
        [K1, 'Key Management Service', 101, AT + DAY, 0],
        [K2, 'Key Management Service', 2, AT + H, 0],
        ['KMS03', 'Application', 2, AT + H, 0],
      ]);
      expect(await store.checkpoint('kms01.corp.EXAMPLE', 'Application')).toMatchObject({ host: K1, lastRecordId: 3 });
      expect(await store.checkpoint('nohost', 'Application')).toBeNull();
      expect(await store.logClears()).toEqual([]);
    });
  });
}
