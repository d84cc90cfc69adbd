import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { createPool, migratePostgres, openPostgresStore, postgresMigrationStatus, redactUrl } from '../../src/store/postgres/index.js';
import { StoreError } from '../../src/store/types.js';
import { selectedBackends } from './contract/backends.js';
import { ThrowawayDatabase } from './contract/pg-database.js';

describe('PostgreSQL URLs', () => {
  it('hides the password in messages', () => {
    expect(redactUrl('postgres://kms:s3cret@db.example:5432/kmswatch')).toBe('postgres://kms:***@db.example:5432/kmswatch');
    expect(redactUrl('postgres://kms@db.example/kmswatch')).toBe('postgres://kms@db.example/kmswatch');
  });

  it('refuses a URL that is not postgres://', () => {
    expect(() => createPool('mysql://x@y/z')).toThrow(expect.objectContaining({ name: 'StoreError', code: 'STORE_URL' }));
  });

  it('names the server it cannot reach, without the password', async () => {
    // port 1 on localhost: nothing listens there
    const err = await openPostgresStore('postgres://kms:s3cret@127.0.0.1:1/nowhere').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('STORE_OPEN');
    expect((err as StoreError).message).toContain('postgres://kms:***@127.0.0.1:1/nowhere');
    expect((err as StoreError).message).not.toContain('s3cret');
  });
});

describe.runIf(selectedBackends().includes('postgres'))('postgres: migrations', () => {
  let db: ThrowawayDatabase;
  beforeAll(async () => {
    db = await ThrowawayDatabase.create();
  });
  afterAll(async () => db?.drop());

  it('openStore routes postgres:// URLs to this backend', async () => {
    const store = await openStore(await db.freshSchemaUrl());
    try {
      expect(store.backend).toBe('postgres');
    } finally {
      await store.close();
    }
  });

  it('serialises concurrent migrators on a fresh database: one applies, the others find nothing to do', async () => {
    const url = await db.freshSchemaUrl();
    const pools = [createPool(url), createPool(url), createPool(url), createPool(url)];
    try {
      const reports = await Promise.all(pools.map((p) => migratePostgres(p)));
      const applied = reports.flatMap((r) => r.applied);
      expect(applied.sort()).toEqual(MIGRATIONS.map((m) => m.id).sort());
      expect(reports.filter((r) => r.applied.length > 0)).toHaveLength(1);
      const status = await postgresMigrationStatus(pools[0]);
      expect(status.pending).toEqual([]);
      expect(status.applied.map((a) => a.id)).toEqual(MIGRATIONS.map((m) => m.id).sort());
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('rolls every step back when one statement fails', async () => {
    const url = await db.freshSchemaUrl();
    const pool = createPool(url);
    try {
      const broken = [...MIGRATIONS, { id: '9999-broken', sqlite: [], postgres: ['CREATE TABLE half_done (a integer)', 'SELECT no_such_column FROM half_done'] }];
      const err = await migratePostgres(pool, broken).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('STORE_MIGRATE');
      expect((err as StoreError).message).toContain('9999-broken, statement 2');
      // nothing of the run remains: not the broken step's table, not the good steps before it
      const left = await pool.query(`SELECT to_regclass('half_done') AS a, to_regclass('requests') AS b, to_regclass('schema_migrations') AS c`);
      expect(left.rows[0]).toEqual({ a: null, b: null, c: null });
      const status = await postgresMigrationStatus(pool);
      expect(status.applied).toEqual([]);
      expect(status.pending).toEqual(MIGRATIONS.map((m) => m.id));
    } finally {
      await pool.end();
    }
  });
});
