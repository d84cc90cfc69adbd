import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../../src/store/driver.js';
import { summaryCatchUp } from '../../../src/store/queries/summary.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { FLEET_AT, fleetHistory } from './fleet.js';
import { request } from '../fixtures/records.js';

/*
 * client_summary is folded per batch in TypeScript (store/summary-rows.ts) and upserted; the SQL
 * fold of queries/summary.ts (summaryCatchUp) rebuilds it from the requests in migrations and
 * prune. Both must give the same table, whatever the batches: out of order, repeated, with ties
 * at one time.
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
      const db = (store as unknown as { db: Driver }).db;
      const folded = await db.rows(text(SUMMARY));
      expect(folded.length).toBeGreaterThan(100);
      expect(normal(folded)).toEqual(normal(await rebuilt(db)));
      const [tie] = await store.latestClients(t, { search: cmid });
      expect(tie).toMatchObject({ machine: 'Tie-A', licenseState: 1, requests: 4, firstSeen: t });
      const first = await db.rows(text(`SELECT m.value AS machine FROM client_summary s JOIN strings m ON m.id = s.first_machine_id
        JOIN strings c ON c.id = s.cmid_id WHERE c.value = '${cmid}'`));
      expect(first).toEqual([{ machine: 'Tie-A' }]);
    });
  });
}
