import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOverview, overviewOf } from '../../../src/store/client-overview.js';
import type { ClientRow, Store } from '../../../src/store/types.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { AT, C1, C2, C3, C4, C5, HOST_A, HOST_B, OFFICE, SERVER, WINDOW_FROM, WIN_PRO, handDataset, t } from './dataset.js';

/*
 * Every Store query on the hand-made dataset of dataset.ts. Expected values are worked out by hand
 * from that list; the comments say how. Row order is not part of the Store contract for every query,
 * so list results are compared sorted where the interface does not pin an order.
 */
const DAY = 86_400_000;
const byKey = <T>(rows: T[], key: (r: T) => string): T[] => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

for (const backend of selectedBackends()) {
  describe(`${backend}: queries on the hand-made dataset`, () => {
    let factory: BackendFactory;
    let store: Store;

    beforeAll(async () => {
      factory = await backendFactory(backend);
      store = await factory.open();
      const result = await store.writeBatch(handDataset());
      // 6 requests on A + 4 on B, 2 anomalies, 4 host events, 1 client event; no repeats, no clears
      expect(result).toEqual({ requests: 10, hostEvents: 4, clientEvents: 1, anomalies: 2, duplicates: 0, logClears: 0 });
    });
    afterAll(async () => factory?.dispose());

    it('totals', async () => {
      // requests <= AT: all 10 but PC6 (Dec 5) = 9; CMIDs C1..C5 = 5;
      // names case-insensitive: pc1.corp.example, pc2, pc3, pc4, clone-a, clone-b = 6; hosts A, B;
      // anomalies <= AT: the Nov 10 one only
      expect(await store.totals(AT)).toEqual({ requests: 9, clients: 5, machines: 6, hosts: 2, anomalies: 1 });
    });

    it('hostActivity', async () => {
      // A: Nov 1, Nov 20, Nov 21, Nov 22 x2, Nov 23 = 6 requests; B: Oct 15, Nov 25, Nov 26 = 3 (Dec 5 is after AT).
      // The client PC1 logged only a client event, which does not make it a host.
      const rows = await store.hostActivity(AT);
      expect(byKey(rows, (r) => r.host.toLowerCase())).toEqual([
        { host: HOST_A, requests: 6, firstRequestAt: t(11, 1), lastRequestAt: t(11, 23) },
        { host: HOST_B, requests: 3, firstRequestAt: t(10, 15), lastRequestAt: t(11, 26) },
      ]);
    });

    it('windowActive and windowCounts', async () => {
      // successes in (Oct 31 12:00, Nov 30 12:00]: A/Windows C1 (Nov 1, Nov 20); A/Office C2, C1;
      // B/Windows C5 (twice). C3 failed; C4's Oct 15 request is outside the window.
      const active = await store.windowActive(WINDOW_FROM, AT);
      expect(byKey(active, (r) => `${r.host.toLowerCase()}/${r.application}`)).toEqual([
        { host: HOST_A, application: 'Office', active: 2, maxMinimum: 5 },
        { host: HOST_A, application: 'Windows', active: 1, maxMinimum: 25 },
        { host: HOST_B, application: 'Windows', active: 1, maxMinimum: 25 },
      ]);
      const counts = await store.windowCounts(WINDOW_FROM, AT);
      expect(byKey(counts, (r) => `${r.host.toLowerCase()}/${r.application}/${r.minimumCount}`)).toEqual([
        { host: HOST_A, application: 'Office', minimumCount: 5, clients: 2 },
        { host: HOST_A, application: 'Windows', minimumCount: 25, clients: 1 },
        { host: HOST_B, application: 'Windows', minimumCount: 25, clients: 1 },
      ]);
      // the window is left-open: starting it at Nov 1 08:00 exactly drops C1's first request but
      // C1 still counts through Nov 20
      const shifted = await store.windowActive(t(11, 1), AT);
      expect(shifted.find((r) => r.host === HOST_A && r.application === 'Windows')?.active).toBe(1);
      // and right-closed: ending at Nov 1 08:00 keeps exactly that request
      expect(await store.windowActive(t(11, 1) - 1, t(11, 1))).toEqual([{ host: HOST_A, application: 'Windows', active: 1, maxMinimum: 25 }]);
    });

    it('clones', async () => {
      // C5 under CLONE-A (Nov 25) and CLONE-B (Nov 26); C1 under PC1.corp.example / pc1.corp.example
      // is one name case-insensitively, and its Windows + Office requests share the name: no clone.
      expect(await store.clones(AT)).toEqual([{ cmid: C5, machines: ['CLONE-A', 'CLONE-B'], firstSeen: t(11, 25), lastSeen: t(11, 26) }]);
      // before CLONE-B appeared there is no clone
      expect(await store.clones(t(11, 25, 12))).toEqual([]);
    });

    it('failures', async () => {
      // C3's two 0xC004F06C requests (PC3 then pc3: one machine case-insensitively)
      const rows = await store.failures(WINDOW_FROM, AT);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ cmid: C3, host: HOST_A, result: 0xc004f06c, requests: 2, lastAt: t(11, 22, 11) });
      expect(rows[0].machine.toLowerCase()).toBe('pc3');
    });

    it('latestClients', async () => {
      const rows = byKey(await store.latestClients(AT), (r) => `${r.cmid}/${r.application}`);
      expect(rows.map((r) => [r.cmid, r.application, r.machine, r.host, r.lastSeen, r.firstSeen, r.requests])).toEqual([
        // C1 Office: one request Nov 23
        [C1, 'Office', 'PC1.corp.example', HOST_A, t(11, 23), t(11, 23), 1],
        // C1 Windows: Nov 1 and Nov 20; the latest wrote the name in lower case
        [C1, 'Windows', 'pc1.corp.example', HOST_A, t(11, 20), t(11, 1), 2],
        [C2, 'Office', 'PC2', HOST_A, t(11, 21, 9), t(11, 21, 9), 1],
        [C3, 'Windows', 'pc3', HOST_A, t(11, 22, 11), t(11, 22, 10), 2],
        [C4, 'Windows', 'PC4', HOST_B, t(10, 15), t(10, 15), 1],
        [C5, 'Windows', 'CLONE-B', HOST_B, t(11, 26), t(11, 25), 2],
      ]);
      const c3 = rows.find((r) => r.cmid === C3)!;
      expect(c3).toMatchObject({ licenseState: 2, minutesLeft: 39940, result: 0xc004f06c, minimumCount: 25, isVm: false, activationId: WIN_PRO.activationId, productName: WIN_PRO.name });
      expect(rows.find((r) => r.cmid === C2)).toMatchObject({ isVm: true, minutesLeft: 100, productName: OFFICE.name });
    });

    it('clientOverview counts and lists the clients of latestClients', async () => {
      // overviewOf (client-overview.ts) is the definition, written over latestClients' rows; the SQL
      // forms must agree at instants the summary covers (after the newest request) and not, and at
      // bounds that cut through the dataset's days
      const sortRows = (rows: ClientRow[]) => byKey(rows, (r) => `${r.cmid}/${r.application}`);
      for (const at of [AT, t(11, 22, 12), t(12, 31)]) {
        for (const days of [[30, 7, 14], [25, 2, 0], [60, 30, 400]]) {
          for (const listLapsed of [true, false]) {
            const bounds = { lapsedBefore: at - days[0] * DAY, overdueBefore: at - days[1] * DAY, expiringBy: at + days[2] * DAY, listLapsed };
            const got = await clientOverview(store, at, bounds);
            const want = overviewOf(await store.latestClients(at), bounds);
            expect({ ...got, lapsed: sortRows(got.lapsed), expiring: sortRows(got.expiring) }).toEqual({ ...want, lapsed: sortRows(want.lapsed), expiring: sortRows(want.expiring) });
          }
        }
      }
      // by hand at AT (Nov 30 12:00): lapsed before Oct 31 12:00, overdue before Nov 23 12:00. Only C4
      // (Oct 15) is lapsed; of the 5 others (C1 Office Nov 23 0:00, C1 Windows Nov 20, C2 Nov 21,
      // C3 Nov 22, C5 Nov 26) all but C5 are overdue
      const at = AT;
      const o = await clientOverview(store, at, { lapsedBefore: at - 30 * DAY, overdueBefore: at - 7 * DAY, expiringBy: at });
      expect(o.lapsed.map((r) => r.cmid)).toEqual([C4]);
      expect(o.lapsedCount).toBe(1);
      const counted = await clientOverview(store, at, { lapsedBefore: at - 30 * DAY, overdueBefore: at - 7 * DAY, expiringBy: at, listLapsed: false });
      expect([counted.lapsed, counted.lapsedCount]).toEqual([[], 1]);
      expect(o.states.reduce((n, s) => n + s.clients, 0)).toBe(5);
      expect(o.states.reduce((n, s) => n + s.overdue, 0)).toBe(4);
    });

    it('latestClients filters', async () => {
      const keys = async (f: Parameters<Store['latestClients']>[1]) =>
        (await store.latestClients(AT, f)).map((r) => `${r.cmid.slice(0, 2)}${r.application[0]}`).sort();
      expect(await keys({ host: 'kms01.CORP.example' })).toEqual(['11O', '11W', '22O', '33W']);
      expect(await keys({ application: 'Office' })).toEqual(['11O', '22O']);
      expect(await keys({ state: 2 })).toEqual(['33W']);
      expect(await keys({ vm: true })).toEqual(['22O']);
      expect(await keys({ vm: false })).toEqual(['11O', '11W', '33W', '44W', '55W']);
      expect(await keys({ search: 'clone' })).toEqual(['55W']);
      expect(await keys({ search: '3333-4333' })).toEqual(['33W']);
      expect(await keys({ activationId: OFFICE.activationId.toUpperCase() })).toEqual(['11O', '22O']);
      // the filter applies to the latest request: C1/Windows was last seen as pc1.corp.example
      expect(await keys({ search: 'PC1.CORP' })).toEqual(['11O', '11W']);
      // at Nov 21 12:00 C3, C5 and the Office request of C1 are still in the future
      expect((await store.latestClients(t(11, 21, 12))).map((r) => r.cmid).sort()).toEqual([C1, C2, C4]);
    });

    it('products', async () => {
      // Win Pro: C1 x2, C3 x2, C5 x2 (PC6 after AT) → 3 clients, 6 requests, last Nov 26;
      // Office: C2, C1 → 2 clients, 2 requests, last Nov 23; Server: C4 once, Oct 15
      const rows = byKey(await store.products(AT), (r) => r.activationId);
      expect(rows).toEqual(
        byKey(
          [
            { activationId: WIN_PRO.activationId, productName: WIN_PRO.name, application: 'Windows', clients: 3, requests: 6, lastSeen: t(11, 26) },
            { activationId: OFFICE.activationId, productName: OFFICE.name, application: 'Office', clients: 2, requests: 2, lastSeen: t(11, 23) },
            { activationId: SERVER.activationId, productName: SERVER.name, application: 'Windows', clients: 1, requests: 1, lastSeen: t(10, 15) },
          ],
          (r) => r.activationId,
        ),
      );
    });

    it('anomalies', async () => {
      const { total, rows } = await store.anomalies(AT, 10);
      expect(total).toBe(1);
      expect(rows).toEqual([
        {
          host: HOST_A, channel: 'Key Management Service', eventId: 4242, recordId: 2, time: t(11, 10),
          provider: 'Microsoft-Windows-Security-SPP', reason: 'wrong number of insertion strings (3)', raw: 'Data: 1,2,3', source: 'test (xml)',
        },
      ]);
      // newest first and the limit: both at a later instant, limit 1 → the Dec 2 one
      const later = await store.anomalies(t(12, 31), 1);
      expect(later.total).toBe(2);
      expect(later.rows.map((r) => r.raw)).toEqual(['after at']);
      expect((await store.anomalies(AT, 0)).rows).toEqual([]);
    });

    it('hostEventCounts', async () => {
      // A: dns-publish-failed once (Nov 5); dns-publish-ok Nov 2 and Nov 12 (Dec 3 is after AT)
      const rows = byKey(await store.hostEventCounts(AT), (r) => `${r.host.toLowerCase()}/${r.type}`);
      expect(rows).toEqual([
        { host: HOST_A, type: 'dns-publish-failed', count: 1, lastAt: t(11, 5), lastResultHex: '0x8007232A', lastDomain: 'corp.example' },
        { host: HOST_A, type: 'dns-publish-ok', count: 2, lastAt: t(11, 12), lastResultHex: null, lastDomain: 'corp.example' },
      ]);
      // the latest one's domain once Dec 3 is included
      const later = await store.hostEventCounts(t(12, 31));
      expect(later.find((r) => r.type === 'dns-publish-ok')).toMatchObject({ count: 3, lastAt: t(12, 3), lastDomain: 'late.example' });
    });

    it('clientRequests', async () => {
      // C1: Nov 23 (Office), Nov 20, Nov 1, newest first; the CMID compares case-insensitively
      const rows = await store.clientRequests(C1.toUpperCase(), 10);
      expect(rows.map((r) => [r.time, r.recordId, r.productName, r.machine])).toEqual([
        [t(11, 23), 7, OFFICE.name, 'PC1.corp.example'],
        [t(11, 20), 3, WIN_PRO.name, 'pc1.corp.example'],
        [t(11, 1), 1, WIN_PRO.name, 'PC1.corp.example'],
      ]);
      expect(rows[0]).toMatchObject({ host: HOST_A, resultHex: '0x0', cmid: C1, licenseState: 1, minutesLeft: 259000, activationId: OFFICE.activationId, isVm: false, minimumCount: 5, source: 'test (xml)' });
      expect(await store.clientRequests(C1, 2)).toHaveLength(2);
      expect(await store.clientRequests('00000000-0000-0000-0000-000000000000', 10)).toEqual([]);
    });

    it('dailyActivity', async () => {
      const day = (m: number, d: number) => Date.UTC(2026, m - 1, d);
      const rows = byKey(await store.dailyActivity(null, WINDOW_FROM, AT), (r) => `${r.host.toLowerCase()}/${r.application}/${r.day}`);
      expect(rows).toEqual([
        { host: HOST_A, application: 'Office', day: day(11, 21), clients: 1, requests: 1 },
        { host: HOST_A, application: 'Office', day: day(11, 23), clients: 1, requests: 1 },
        { host: HOST_A, application: 'Windows', day: day(11, 1), clients: 1, requests: 1 },
        { host: HOST_A, application: 'Windows', day: day(11, 20), clients: 1, requests: 1 },
        // C3's two failures that day: requests 2, but no successful client
        { host: HOST_A, application: 'Windows', day: day(11, 22), clients: 0, requests: 2 },
        { host: HOST_B, application: 'Windows', day: day(11, 25), clients: 1, requests: 1 },
        { host: HOST_B, application: 'Windows', day: day(11, 26), clients: 1, requests: 1 },
      ]);
      const onlyB = await store.dailyActivity('KMS02.CORP.EXAMPLE', WINDOW_FROM, AT);
      expect(onlyB.map((r) => r.day).sort()).toEqual([day(11, 25), day(11, 26)]);
    });

    it('checkpoints', async () => {
      // the newest event with a record id per (host lower-case, channel)
      const rows = byKey(await store.checkpoints(), (r) => `${r.host.toLowerCase()}/${r.channel}`);
      expect(rows.map((c) => [c.host, c.channel, c.lastRecordId, c.lastTime, c.epoch])).toEqual([
        [HOST_A, 'Application', 103, t(12, 3), 0],
        [HOST_A, 'Key Management Service', 8, t(12, 2), 0],
        [HOST_B, 'Key Management Service', 13, t(12, 5), 0],
        ['PC1.corp.example', 'Application', 500, t(11, 20), 0],
      ]);
      expect(await store.checkpoint('kms01.corp.EXAMPLE', 'Key Management Service')).toMatchObject({ lastRecordId: 8, epoch: 0 });
      expect(await store.checkpoint('nobody', 'Key Management Service')).toBeNull();
      expect(await store.logClears()).toEqual([]);
    });
  });
}
