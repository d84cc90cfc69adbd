import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../../src/store/driver.js';
import { clientOverview, overviewOf } from '../../../src/store/client-overview.js';
import { overviewReads } from '../../../src/store/migrations/1900-overview-reads.js';
import { summaryCatchUp } from '../../../src/store/queries/summary.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { FLEET_AT, fleetHistory } from './fleet.js';
import { OFFICE, request } from '../fixtures/records.js';

/*
 * client_summary is folded per batch in TypeScript (store/summary-rows.ts) and upserted; the SQL
 * fold of queries/summary.ts (summaryCatchUp) rebuilds it from the requests in migrations and
 * prune. Both must give the same table, whatever the batches: out of order, repeated, with ties
 * at one time. The same for the `newest` marks each batch keeps (queries/summary.ts markNewestSql)
 * against migration 1900's fill, and the overview that reads them against its definition.
 */
const SUMMARY = `SELECT * FROM client_summary ORDER BY cmid_id, product_id, host_id, machine_key_id, minimum_count`;
const text = (t: string) => ({ name: 'test', params: [], sqlite: t, postgres: t });
const normal = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...r, is_vm: Boolean(r.is_vm) }));

async function rebuilt(db: Driver): Promise<Record<string, unknown>[]> {
  let rows: Record<string, unknown>[] = [];
  const rollback = new Error('rollback');
  await db.transaction(async (tx) => {
    await tx.run(text('DELETE FROM client_summary'));
    await tx.run(text(summaryCatchUp('requests')));
    // the marks as migration 1900 fills them (its own text of the rule): the rebuilt rows are all 0
    await tx.run(text(overviewReads[db.dialect][1]));
    rows = await tx.rows(text(SUMMARY));
    throw rollback;
  }).catch((err: unknown) => {
    if (err !== rollback && (err as { cause?: unknown }).cause !== rollback) throw err;
  });
  return rows;
}

for (const backend of selectedBackends().filter((b) => b !== 'memory')) {
  describe(`${backend}: the per-batch summary fold equals the SQL rebuild`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('over a fleet ingested out of order and in part twice, and ties at one time', async () => {
      const store = await factory.open();
      const history = fleetHistory(5);
      // newest batches first, then the first third again
      const batches: (typeof history)[] = [];
      for (let i = 0; i < history.length; i += 300) batches.push(history.slice(i, i + 300));
      for (const b of batches.reverse()) await store.writeBatch(b);
      await store.writeBatch(history.slice(0, Math.floor(history.length / 3)));
      // one client, one time: the higher record id is the latest; no record id ranks below any
      const t = FLEET_AT + 86_400_000;
      const cmid = '7e57c1d0-0000-4000-8000-00000000f01d';
      // (one machine in three spellings: one summary row; its first request is the one stored first)
      await store.writeBatch([
        request({ recordId: 9001, time: t, cmid, machine: 'Tie-A', licenseState: 1 }),
        request({ recordId: 9000, time: t, cmid, machine: 'TIE-A', licenseState: 5 }),
        request({ recordId: null, time: t, cmid, machine: 'tie-a', licenseState: 2, source: 'x.csv (csv)' }),
      ]);
      await store.writeBatch([request({ recordId: 8999, time: t, cmid, machine: 'TIE-a', licenseState: 3 })]);
      // the same client's Office, older than its Windows: the latest Office row is marked as well
      await store.writeBatch([request({ recordId: 8998, time: t - 86_400_000, cmid, machine: 'TIE-a', product: OFFICE })]);
      const db = (store as unknown as { db: Driver }).db;
      const folded = await db.rows(text(SUMMARY));
      expect(folded.length).toBeGreaterThan(100);
      expect(normal(folded)).toEqual(normal(await rebuilt(db)));
      const [tie] = await store.latestClients(t, { search: cmid });
      expect(tie).toMatchObject({ machine: 'Tie-A', licenseState: 1, requests: 4, firstSeen: t });
      const first = await db.rows(text(`SELECT m.value AS machine FROM client_summary s JOIN strings m ON m.id = s.first_machine_id
        JOIN strings c ON c.id = s.cmid_id WHERE c.value = '${cmid}' AND s.minimum_count = 25`));
      expect(first).toEqual([{ machine: 'Tie-A' }]);
      // one mark per client and application: C, A pairs counted from the requests themselves
      const marked = await db.rows(text('SELECT COUNT(*) AS n FROM client_summary WHERE newest = 1'));
      const pairs = await db.rows(text(`SELECT COUNT(*) AS n FROM (SELECT DISTINCT r.cmid_id, p.application
        FROM requests r JOIN products p ON p.id = r.product_id) x`));
      expect(Number(marked[0].n)).toBe(Number(pairs[0].n));
      const at = t + 60_000;
      for (const days of [[30, 7, 14], [3, 1, 400]]) {
        const bounds = { lapsedBefore: at - days[0] * 86_400_000, overdueBefore: at - days[1] * 86_400_000, expiringBy: at + days[2] * 86_400_000 };
        const key = (r: { cmid: string; application: string }) => `${r.cmid}/${r.application}`;
        const sorted = <R extends { cmid: string; application: string }>(rows: R[]) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));
        const got = await clientOverview(store, at, bounds);
        const want = overviewOf(await store.latestClients(at), bounds);
        if (days[0] === 30) expect(want.states.length).toBeGreaterThan(3);
        expect({ ...got, lapsed: sorted(got.lapsed), expiring: sorted(got.expiring) }).toEqual({ ...want, lapsed: sorted(want.lapsed), expiring: sorted(want.expiring) });
      }
    });
  });
}
