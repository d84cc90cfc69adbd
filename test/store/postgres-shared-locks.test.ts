import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KmsRequest } from '../../src/kms/types.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { CheckpointGuess } from '../../src/store/postgres/checkpoint-guess.js';
import { LookupIds } from '../../src/store/postgres/lookup-ids.js';
import { requestIdSequence } from '../../src/store/postgres/request-ids.js';
import { PendingSummary } from '../../src/store/postgres/summary-pending.js';
import { writeBatchPostgres, type WriterState } from '../../src/store/postgres/write-batch.js';
import type { PgClient } from '../../src/store/postgres/driver.js';
import { request } from './fixtures/records.js';
import { selectedBackends } from './contract/backends.js';
import { ThrowawayDatabase } from './contract/pg-database.js';

/**
 * Batches of the same hosts write their rows at the same time (write-batch.ts, LockMode 'shared')
 * and settle one at a time. These tests hold one batch open in a transaction of their own while
 * the store writes another, so that the store's batch meets it for sure, then compare with the
 * same batches written one after the other.
 */
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 9, 1);
const AT = Date.UTC(2027, 0, 1);

const ev = (recordId: number, time: number): KmsRequest =>
  request({ recordId, time, cmid: `00000000-0000-4000-8000-${String(recordId % 97).padStart(12, '0')}`, machine: `pc${recordId % 97}` });
const run = (from: number, to: number, start: number): KmsRequest[] =>
  Array.from({ length: to - from + 1 }, (_, k) => ev(from + k, start + k * 60_000));

async function contents(store: PostgresStore) {
  const epochs = await store.pool.query('SELECT record_id, epoch FROM kms_requests ORDER BY record_id, epoch');
  return {
    totals: await store.totals(AT),
    clients: await store.latestClients(AT),
    activity: await store.hostActivity(AT),
    checkpoints: (await store.checkpoints()).map(({ updatedAt: _u, ...c }) => c),
    logClears: await store.logClears(),
    epochs: epochs.rows,
  };
}

/**
 * Stores the lookup strings the test batches need (their machines, CMIDs, host and channel) on
 * another channel and host: otherwise the second batch would wait for the first one's strings and
 * meet it no further.
 */
const seed: KmsRequest[] = [
  ...run(1, 97, T0 - 10 * HOUR).map((r) => ({ ...r, channel: 'seed' })),
  request({ host: 'seed', recordId: 1, time: T0 - 10 * HOUR }),
];

/** A batch written by a second writer in a transaction the test commits when it chooses. */
async function openBatch(store: PostgresStore, records: KmsRequest[]): Promise<{ client: PgClient; commit: () => Promise<void> }> {
  const client = await store.pool.connect();
  const state: WriterState = { ids: new LookupIds(), checkpoints: new CheckpointGuess(), sequence: await requestIdSequence(client), pending: new PendingSummary() };
  await client.query('BEGIN');
  await writeBatchPostgres(client, records, Date.now(), state, 'shared');
  let done = false;
  return {
    client,
    commit: async () => {
      if (done) return;
      done = true;
      await client.query('COMMIT');
      client.release();
    },
  };
}

/** Resolves once some connection of the database waits for a lock. */
async function someoneWaits(store: PostgresStore): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await store.pool.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (Number(res.rows[0].n) > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no writer ever waited for a lock');
}

describe.runIf(selectedBackends().includes('postgres'))('postgres: batches of the same hosts at once', () => {
  let db: ThrowawayDatabase;
  beforeAll(async () => {
    db = await ThrowawayDatabase.create();
  });
  afterAll(async () => db?.drop());

  async function sequential(batches: KmsRequest[][]) {
    const store = await openPostgresStore(await db.freshSchemaUrl());
    try {
      for (const b of batches) await store.writeBatch(b);
      return await contents(store);
    } finally {
      await store.close();
    }
  }

  it('a batch that stores keys the other one is storing waits for it and counts them as duplicates', async () => {
    const store = await openPostgresStore(await db.freshSchemaUrl());
    try {
      const first = run(1, 300, T0);
      const overlapping = run(200, 500, T0 + 199 * 60_000);
      await store.writeBatch(seed);
      const other = await openBatch(store, first);
      const mine = store.writeBatch(overlapping);
      try {
        await someoneWaits(store);
      } finally {
        await other.commit();
      }
      expect(await mine).toMatchObject({ requests: 200, duplicates: 101 });
      expect(await contents(store)).toEqual(await sequential([seed, first, overlapping]));
    } finally {
      await store.close();
    }
  });

  it('a batch whose plan the other one changes is planned again (a log clear it could not see)', async () => {
    const store = await openPostgresStore(await db.freshSchemaUrl());
    try {
      const before = run(100, 110, T0);
      // record ids restart three hours later: the log was cleared (epoch 1) ...
      const cleared = run(1, 5, T0 + 3 * HOUR);
      // ... and events exported from the old log before the clear, ingested after it: stored in epoch 1
      const late = run(111, 115, T0 + HOUR);
      await store.writeBatch(before);
      const other = await openBatch(store, cleared);
      const mine = store.writeBatch(late);
      try {
        await someoneWaits(store);
      } finally {
        await other.commit();
      }
      expect(await mine).toMatchObject({ requests: 5, duplicates: 0 });
      const got = await contents(store);
      expect(got).toEqual(await sequential([before, cleared, late]));
      expect(got.logClears).toHaveLength(1);
      expect(got.epochs.filter((r: { record_id: number }) => r.record_id >= 111).map((r: { epoch: number }) => r.epoch)).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await store.close();
    }
  });

  it('batches of disjoint keys of one host store their rows at the same time', async () => {
    const store = await openPostgresStore(await db.freshSchemaUrl());
    try {
      const first = run(1, 200, T0);
      const second = run(201, 400, T0 + 200 * 60_000);
      await store.writeBatch(seed);
      const other = await openBatch(store, first);
      // this batch stores its rows while the other is open; the window_days rows both change (the
      // same day, host and products) it can only update once the other has committed (neither
      // touches client_summary: their folds are written later, summary-pending.ts)
      const mine = store.writeBatch(second);
      try {
        await someoneWaits(store);
        const waiting = await store.pool.query(
          `SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        expect(waiting.rows.map((r: { query: string }) => r.query.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual(['INSERT INTO window_days']);
      } finally {
        await other.commit();
      }
      expect(await mine).toMatchObject({ requests: 200, duplicates: 0 });
      expect(await contents(store)).toEqual(await sequential([seed, first, second]));
    } finally {
      await store.close();
    }
  });
});
