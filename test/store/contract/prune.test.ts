/**
 * Store.prune(before) on every backend (docs/definitions.md "prune"). Two independent paths: a
 * store given the whole history and then pruned must answer as a store that was only ever given
 * the kept events; and the counts prune reports are derived here from the record list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../../../src/analysis/report.js';
import type { KmsRecord } from '../../../src/kms/types.js';
import type { DamageMark, LogSpanRow, PruneResult, Store } from '../../../src/store/types.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { C6, HOST_A, HOST_B, handDataset, t } from './dataset.js';
import { FLEET_AT, fleetHistory } from './fleet.js';

const DAY = 86_400_000;
/** Reports compared from `before` + this many days: the window (30 days) wholly after `before`. */
const AFTER_DAYS = [30, 45];
const NOTHING = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, damageMarks: 0, logSpans: 0, clientsRemoved: 0 };

/** The fleet's history in batches of 250, then (`reingest`) its first 500 records again. */
async function write(store: Store, records: readonly KmsRecord[], reingest: boolean): Promise<void> {
  for (let i = 0; i < records.length; i += 250) await store.writeBatch(records.slice(i, i + 250));
  if (reingest) await store.writeBatch(records.slice(0, 500));
}

const mark = (r: KmsRecord, file: string, recordId = r.recordId!): DamageMark => ({ host: r.host, channel: r.channel, recordId, time: r.time, file, chunk: 1, checks: 'chunk data CRC' });

/**
 * What a store keeps of its own past, beside its events, and so may tell a pruned store from one
 * given only the kept events: the stretches it read (hosts[].coverage, and `partial`, which
 * follows from them: the same log read in other batches has other stretches) and each host's
 * display name, the spelling first stored (checkpoints are kept: the pruned store shows the
 * first spelling of the whole history). Left out here, names compared case-insensitively;
 * `partial` is compared with the store's own before the prune instead.
 */
function comparable(report: Report) {
  const hosts = report.hosts.map(({ coverage: _c, partial: _p, counts, ...h }) => ({ ...h, counts: counts.map(({ partial: _cp, ...c }) => c) }));
  // health lines: the numbers and the problems, without partial coverage (it follows from `partial`)
  // and without the sentences (they name the host in its display spelling)
  const health = report.health
    .map((l) => ({
      host: l.host, application: l.application, active: l.active, threshold: l.threshold, marginDays: l.marginDays,
      conditions: l.conditions.map((c) => c.status).filter((s) => s !== 'partial-coverage' && s !== 'ok'),
    }))
    .filter((l) => l.application !== null || l.conditions.length > 0)
    .sort((a, b) => JSON.stringify(lowerHosts(a)).localeCompare(JSON.stringify(lowerHosts(b))));
  return lowerHosts({ ...report, hosts, health });
}

const lowerHosts = <T>(value: T): T => JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'host' && typeof v === 'string' ? v.toLowerCase() : v))) as T;

const partials = (report: Report) => report.hosts.map((h) => ({ host: h.host, partial: h.partial, counts: h.counts.map((c) => c.partial) }));

const sortedSpans = (spans: LogSpanRow[]) => [...spans].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** Everything a pruned store and a store of only the kept events must agree on, as of `at`. */
async function answers(store: Store, at: number) {
  return {
    report: comparable(await buildReport(store, { at, timezone: 'UTC' })),
    damaged: lowerHosts(await store.damagedEvents(at)),
    daily: lowerHosts(await store.dailyActivity(null, at - 40 * DAY, at)).map((r) => JSON.stringify(r)).sort(),
  };
}

for (const backend of selectedBackends()) {
  describe(`${backend}: prune`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    }, 120_000);
    afterAll(async () => factory?.dispose());

    it('hand-made dataset: counts derived by hand, a host with no request left, what stays', async () => {
      const store = await factory.open();
      await store.writeBatch(handDataset());
      const before = t(11, 27, 0);
      // By hand (dataset.ts) — before Nov 27 00:00: requests: all 6 of HOST_A (Nov 1 … Nov 23) and
      // HOST_B's Oct 15, Nov 25, Nov 26 = 9 (HOST_B's Dec 5 stays); host events Nov 2, 5, 12 = 3
      // (Dec 3 stays); the client event Nov 20 = 1; the anomaly Nov 10 = 1 (Dec 2 stays). Clients
      // with no request left: C1 … C5 = 5 (C6 keeps Dec 5). Stretches: PC1's Application log
      // (one event, Nov 20) = 1; HOST_A's two logs and HOST_B's run across Nov 27 and stay.
      const expected = { before, requests: 9, hostEvents: 3, clientEvents: 1, anomalies: 1, damageMarks: 0, logSpans: 1, clientsRemoved: 5 };
      expect(await store.prune(before, { dryRun: true })).toEqual({ ...expected, dryRun: true });
      expect(await store.prune(before)).toEqual({ ...expected, dryRun: false });

      const at = t(12, 31);
      // left: PC6 on HOST_B (Dec 5); the Dec 2 anomaly
      expect(await store.totals(at)).toEqual({ requests: 1, clients: 1, machines: 1, hosts: 1, anomalies: 1 });
      // HOST_A keeps a host event and an anomaly but no request
      const activity = [...(await store.hostActivity(at))].sort((a, b) => a.host.localeCompare(b.host));
      expect(activity).toEqual([
        { host: HOST_A, requests: 0, firstRequestAt: null, lastRequestAt: null },
        { host: HOST_B, requests: 1, firstRequestAt: t(12, 5), lastRequestAt: t(12, 5) },
      ]);
      expect((await store.latestClients(at)).map((c) => c.cmid)).toEqual([C6]);
      expect((await store.clientRequests(C6, 10)).length).toBe(1);
      expect(await store.anomalies(at, 10)).toMatchObject({ total: 1, rows: [{ time: t(12, 2) }] });
      expect((await store.hostEventCounts(at)).map((r) => r.count)).toEqual([1]);
      // checkpoints are kept: HOST_A's KMS log still ends at record 8
      expect((await store.checkpoint(HOST_A, 'Key Management Service'))?.lastRecordId).toBe(8);
      // the stretches read across Nov 27 now start there
      expect((await store.coverage()).map((s) => [s.host, s.channel, s.firstTime])).toEqual([
        [HOST_A, 'Application', before],
        [HOST_A, 'Key Management Service', before],
        [HOST_B, 'Key Management Service', before],
      ]);
      // HOST_B's log was read from Oct 15 on, but what it holds now starts Nov 27: the window of
      // Dec 6 (from Nov 6) is counted from less than the whole window
      const dec6 = await buildReport(store, { at: t(12, 6), timezone: 'UTC' });
      expect(dec6.hosts.find((h) => h.host === HOST_B)).toMatchObject({ requests: 1, partial: true });
      expect(await store.prune(before)).toEqual({ before, dryRun: false, ...NOTHING });
    });

    it('pruned events ingested again are stored again (the store keeps no list of what it deleted)', async () => {
      const store = await factory.open();
      await store.writeBatch(handDataset());
      const before = t(11, 27, 0);
      await store.prune(before);
      // the 9 requests, 3 host events, 1 client event and 1 anomaly before Nov 27 come back; the
      // 3 records after it (PC6's request, the Dec 2 anomaly, the Dec 3 host event) are duplicates
      expect(await store.writeBatch(handDataset())).toEqual({ requests: 9, hostEvents: 3, clientEvents: 1, anomalies: 1, duplicates: 3, logClears: 0 });
      expect((await store.totals(t(12, 31))).requests).toBe(10);
    });

    // before the fleet's log clear (KMS-C, record 1500 of 3000, mid-October) and after it
    for (const before of [Date.UTC(2026, 9, 1), Date.UTC(2026, 9, 20)]) {
      describe(`fleet history, before ${new Date(before).toISOString().slice(0, 10)}`, () => {
        const history = fleetHistory();
        const kept = history.filter((r) => r.time >= before);
        const withIds = history.filter((r) => r.recordId !== null);
        const first = withIds.findIndex((r) => r.time >= before);
        if (first < 20 || first > withIds.length - 20) throw new Error('the cut should fall inside the history');
        // marks of events on both sides, and marks that name nothing on both sides
        const marks = [
          mark(withIds[first - 10], 'old.evtx'), mark(withIds[first - 1], 'old.evtx'),
          mark(withIds[first], 'new.evtx'), mark(withIds[first + 10], 'new.evtx'),
          mark(withIds[first - 5], 'none.evtx', 900_001), mark(withIds[first + 5], 'none.evtx', 900_002),
        ];
        // a mark goes with the event it names; one that names no stored event stays
        const keptMarks = marks.filter((m) => m.time >= before || m.file === 'none.evtx');
        let pruned: Store;
        let reference: Store;
        let spansBefore: LogSpanRow[];
        let clearsBefore: Awaited<ReturnType<Store['logClears']>>;
        /** hosts' `partial` as of each `at` compared below, before the prune */
        const partialsBefore = new Map<number, ReturnType<typeof partials>>();
        let dry: PruneResult;

        beforeAll(async () => {
          pruned = await factory.open();
          await write(pruned, history, true);
          await pruned.markDamaged(marks);
          reference = await factory.open();
          await write(reference, kept, false);
          await reference.markDamaged(keptMarks);
          spansBefore = await pruned.coverage();
          clearsBefore = await pruned.logClears();
          for (const days of AFTER_DAYS) partialsBefore.set(days, partials(await buildReport(pruned, { at: before + days * DAY, timezone: 'UTC' })));
        }, 120_000);

        it('a dry run counts what goes (derived from the records) and changes nothing', async () => {
          const ats = [before + 30 * DAY, FLEET_AT];
          const seen = await Promise.all(ats.map((at) => answers(pruned, at)));
          dry = await pruned.prune(before, { dryRun: true });
          const keptCmids = new Set(kept.flatMap((r) => (r.kind === 'request' ? [r.cmid] : [])));
          const gone = history.filter((r) => r.time < before);
          expect(dry).toEqual({
            before,
            dryRun: true,
            // every record of the fleet is a distinct event, so each kind counts its records before `before`
            requests: gone.filter((r) => r.kind === 'request').length,
            hostEvents: gone.filter((r) => r.kind === 'host').length,
            clientEvents: 0,
            anomalies: gone.filter((r) => r.kind === 'anomaly').length,
            damageMarks: marks.length - keptMarks.length,
            logSpans: spansBefore.filter((s) => s.lastTime < before).length,
            clientsRemoved: new Set(gone.flatMap((r) => (r.kind === 'request' && !keptCmids.has(r.cmid) ? [r.cmid] : []))).size,
          });
          expect(dry.requests).toBeGreaterThan(100);
          expect(await Promise.all(ats.map((at) => answers(pruned, at)))).toEqual(seen);
          expect(await pruned.coverage()).toEqual(spansBefore);
        });

        it('prune deletes what the dry run counted', async () => {
          expect(await pruned.prune(before)).toEqual({ ...dry, dryRun: false });
        });

        for (const days of AFTER_DAYS) {
          it(`the report ${days} days after answers as a store given only the kept events`, async () => {
            const at = before + days * DAY;
            const mine = await answers(pruned, at);
            const theirs = await answers(reference, at);
            // log clears are kept: a clear detected before `before` is still listed (the reference,
            // which never saw the records before it, does not know of it)
            const clearsUpTo = clearsBefore.filter((c) => c.detectedAt <= at);
            expect(mine.report.logClears.map((c) => c.epoch)).toEqual(clearsUpTo.map((c) => c.epoch));
            const knowsSameClears = (await reference.logClears()).length === clearsBefore.length;
            const strip = (a: typeof mine) => (knowsSameClears ? a : { ...a, report: { ...a.report, logClears: [], hosts: a.report.hosts.map((h) => ({ ...h, logClears: 0 })) } });
            expect(strip(mine)).toEqual(strip(theirs));
            // the window is wholly after `before`: what the store read of it, so `partial`, is as before
            expect(partials(await buildReport(pruned, { at, timezone: 'UTC' }))).toEqual(partialsBefore.get(days));
            // totals of requests: the kept requests up to `at`, counted here from the records
            expect(mine.report.totals.requests).toBe(kept.filter((r) => r.kind === 'request' && r.time <= at).length);
          });
        }

        it('a window that starts before `before` is partial', async () => {
          const report = await buildReport(pruned, { at: before + 10 * DAY, timezone: 'UTC' });
          const withRequests = report.hosts.filter((h) => h.requests > 0);
          expect(withRequests.length).toBe(3);
          for (const h of withRequests) expect({ host: h.host, partial: h.partial }).toEqual({ host: h.host, partial: true });
        });

        it('coverage: stretches that ended before `before` are gone, those across it start at it', async () => {
          const expected = spansBefore.filter((s) => s.lastTime >= before).map((s) => ({ ...s, firstTime: Math.max(s.firstTime, before) }));
          expect(sortedSpans(await pruned.coverage())).toEqual(sortedSpans(expected));
          expect(await pruned.logClears()).toEqual(clearsBefore);
        });

        it('prune twice: nothing more to delete, nothing changes', async () => {
          const at = before + 30 * DAY;
          const seen = await answers(pruned, at);
          const spans = await pruned.coverage();
          expect(await pruned.prune(before)).toEqual({ before, dryRun: false, ...NOTHING });
          expect(await answers(pruned, at)).toEqual(seen);
          expect(await pruned.coverage()).toEqual(spans);
        });
      });
    }
  });
}
