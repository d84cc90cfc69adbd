import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KmsRequest } from '../../src/kms/types.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { request } from './fixtures/records.js';
import { selectedBackends } from './contract/backends.js';
import { ThrowawayDatabase } from './contract/pg-database.js';

/*
 * A PostgreSQL store updates the summary rows of keys its own committed batches wrote with a
 * plain UPDATE (postgres/summary-keys.ts). When such a row is gone (deleted behind the store's
 * back), the UPDATE finds fewer rows than it was given: the batch must be written again with the
 * upsert instead, so that the new requests are counted, not silently dropped. Counts below: each
 * client (CMID) makes one request per batch, so after the delete its row holds only the last
 * batch's one request, while the others hold all three.
 */
const T0 = Date.UTC(2026, 9, 1);
const HOUR = 3_600_000;
const CLIENTS = 20;

const batch = (n: number): KmsRequest[] =>
  Array.from({ length: CLIENTS }, (_, c) =>
    request({ recordId: n * CLIENTS + c + 1, time: T0 + n * HOUR + c * 1000, cmid: `00000000-0000-4000-8000-${String(c).padStart(12, '0')}`, machine: `pc${c}` }),
  );

describe.runIf(selectedBackends().includes('postgres'))('postgres: summary rows of known keys', () => {
  let db: ThrowawayDatabase;
  beforeAll(async () => {
    db = await ThrowawayDatabase.create();
  });
  afterAll(async () => db?.drop());

  it('a batch whose known summary rows were deleted is written again and counts its requests', async () => {
    const store = await openPostgresStore(await db.freshSchemaUrl());
    try {
      await store.writeBatch(batch(0));
      await store.writeBatch(batch(1));
      // the store knows all 20 keys now; two of their rows disappear
      const gone = ['00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000007'];
      const deleted = await store.pool.query(
        'DELETE FROM client_summary WHERE cmid_id IN (SELECT id FROM strings WHERE value = ANY($1::text[]))',
        [gone],
      );
      expect(deleted.rowCount).toBe(2);

      expect(await store.writeBatch(batch(2))).toMatchObject({ requests: CLIENTS, duplicates: 0 });
      const rows = await store.pool.query(
        `SELECT c.value AS cmid, s.requests, s.last_seen FROM client_summary s JOIN strings c ON c.id = s.cmid_id ORDER BY c.value`,
      );
      expect(rows.rows).toHaveLength(CLIENTS);
      for (const r of rows.rows as { cmid: string; requests: string | number; last_seen: string | number }[]) {
        const c = Number(r.cmid.slice(-12));
        expect(Number(r.requests)).toBe(gone.includes(r.cmid) ? 1 : 3);
        expect(Number(r.last_seen)).toBe(T0 + 2 * HOUR + c * 1000);
      }
      // and the next batch takes the fast path again with the keys relearned
      expect(await store.writeBatch(batch(3))).toMatchObject({ requests: CLIENTS });
      const total = await store.pool.query('SELECT SUM(requests) AS n FROM client_summary');
      expect(Number(total.rows[0].n)).toBe(4 * CLIENTS - 2 * 2);
    } finally {
      await store.close();
    }
  });
});
