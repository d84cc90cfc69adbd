import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrationVersion } from '../../../src/store/migrations/index.js';
import { StoreError } from '../../../src/store/types.js';
import { rawQuery, rawRun } from './raw-sql.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { request } from '../fixtures/records.js';
import { AT, C1, C2, C3, handDataset } from './dataset.js';

const sqlBackends = selectedBackends().filter((b) => b !== 'memory');
const lastVersion = Math.max(...MIGRATIONS.map((m) => migrationVersion(m.id)));

for (const backend of sqlBackends) {
  describe(`${backend}: migrations`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('applies every migration on a fresh database, then nothing', async () => {
      const store = await factory.openUnmigrated();
      const first = await store.migrate();
      expect(first).toEqual({ applied: MIGRATIONS.map((m) => m.id), current: lastVersion });
      expect(await store.migrate()).toEqual({ applied: [], current: lastVersion });
      // the schema works end to end
      expect((await store.writeBatch(handDataset())).requests).toBe(10);
      expect((await store.totals(AT)).requests).toBe(9);
    });
  });
}

for (const backend of sqlBackends) {
  describe(`${backend}: a database a newer kmswatch migrated`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('is refused with STORE_SCHEMA_NEWER naming both versions', async () => {
      const store = await factory.open();
      // What a newer kmswatch leaves behind: one more migration, numbered past the newest known here.
      const future = `${String(lastVersion + 1).padStart(4, '0')}-from-a-newer-kmswatch`;
      await rawRun(store, `INSERT INTO schema_migrations (id, applied_at) VALUES ('${future}', 1)`);
      const err = await store.migrate().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreError);
      expect(err).toMatchObject({ code: 'STORE_SCHEMA_NEWER' });
      const message = (err as Error).message;
      expect(message).toContain(`schema version ${lastVersion + 1} (migration ${future})`);
      expect(message).toContain(`newer than version ${lastVersion}, the newest this kmswatch knows`);
      // A migration of an older or the same number that is unknown here is not "newer": no refusal.
      await rawRun(store, `DELETE FROM schema_migrations WHERE id = '${future}'`);
      await rawRun(store, `INSERT INTO schema_migrations (id, applied_at) VALUES ('0002-a-branch', 1)`);
      expect(await store.migrate()).toEqual({ applied: [], current: lastVersion });
    });
  });
}

for (const backend of sqlBackends) {
  describe(`${backend}: reader views`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('kms_requests, kms_clients and kms_host_counts answer', async () => {
      const store = await factory.open();
      await store.writeBatch(handDataset());
      // SQLite writes client_summary (behind kms_clients) when the writer syncs or closes (sqlite/summary-sync.ts)
      const rows = await rawQuery(store, 'SELECT COUNT(*) AS n FROM kms_requests');
      // all 10 stored requests, whatever their time
      expect(Number(rows[0].n)).toBe(10);
      const clients = await rawQuery(store, `SELECT cmid, application, machine, requests, license_state_name FROM kms_clients ORDER BY cmid, application`);
      // (cmid, application) pairs: C1 Office, C1 Windows, C2, C3, C4, C5, C6 (PC6 is in the future of AT, not of the view)
      expect(clients).toHaveLength(7);
      expect(clients.find((c) => c.machine === 'pc3')).toMatchObject({ license_state_name: 'OOBGrace' });
      // kms_host_counts is relative to the real clock: two clients of a fresh host an hour ago
      // (N 25) and one 31 days ago (outside the window) → active 2, cap 2 × 25, current 2
      const now = Date.now();
      await store.writeBatch([
        request({ host: 'fresh-host', recordId: 1, time: now - 31 * 86_400_000, cmid: C1 }),
        request({ host: 'fresh-host', recordId: 2, time: now - 3_600_000, cmid: C2 }),
        request({ host: 'fresh-host', recordId: 3, time: now - 3_599_000, cmid: C3 }),
      ]);
      const counts = await rawQuery(store, `SELECT host, application, active, max_minimum, cap, current_count FROM kms_host_counts WHERE host = 'fresh-host'`);
      expect(counts.map((r) => Object.values(r).map(String))).toEqual([['fresh-host', 'Windows', '2', '25', '50', '2']]);
    });
  });
}

