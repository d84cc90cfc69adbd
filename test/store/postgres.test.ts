import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { CopyValueError, copyTextRows, copyTextValue } from '../../src/store/postgres/copy-text.js';
import { createPool, migratePostgres, openPostgresStore, postgresMigrationStatus, redactUrl } from '../../src/store/postgres/index.js';
import { StoreError } from '../../src/store/types.js';
import { selectedBackends } from './contract/backends.js';
import { ThrowawayDatabase } from './contract/pg-database.js';

describe('COPY text encoding', () => {
  it('escapes exactly backslash, tab, newline and carriage return', () => {
    // PostgreSQL docs, COPY "Text Format": \\ \t \n \r; everything else is literal
    expect(copyTextValue('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyTextValue('\\N')).toBe('\\\\N');
    expect(copyTextValue('\\.')).toBe('\\\\.');
    expect(copyTextValue("it's \"quoted\", ; -- $1")).toBe("it's \"quoted\", ; -- $1");
    expect(copyTextValue('🔑\u202E')).toBe('🔑\u202E');
    expect(copyTextValue('nul\u0000')).toBe('nul\uFFFD');
  });

  it('writes NULL, numbers and booleans', () => {
    expect(copyTextValue(null)).toBe('\\N');
    expect(copyTextValue(undefined)).toBe('\\N');
    expect(copyTextValue('')).toBe('');
    expect(copyTextValue(0)).toBe('0');
    expect(copyTextValue(3221549164)).toBe('3221549164');
    expect(copyTextValue(true)).toBe('t');
    expect(copyTextValue(false)).toBe('f');
    expect(() => copyTextValue(Number.NaN)).toThrow(CopyValueError);
    expect(() => copyTextValue({})).toThrow(CopyValueError);
  });

  it('writes one line per row, led by its ordinal', () => {
    expect(copyTextRows(['a', 1, null, 'b\tc', 2, true], 3, 0, 2, () => { throw new Error('no'); })).toBe('0\ta\t1\t\\N\n1\tb\\tc\t2\tt\n');
    expect(copyTextRows(['a', 1, null, 'b', 2, true], 3, 1, 2, () => { throw new Error('no'); })).toBe('1\tb\t2\tt\n');
    const bad: number[] = [];
    expect(() => copyTextRows(['a', Number.NaN], 1, 0, 2, (row) => { bad.push(row); throw new Error('bad row'); })).toThrow('bad row');
    expect(bad).toEqual([1]);
  });
});

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
      expect(store.capabilities).toEqual({ transactionalDdl: true, copy: true, concurrentWriters: true });
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
