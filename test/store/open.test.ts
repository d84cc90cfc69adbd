import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { activityOfKeysSql, deleteActivitySql } from '../../src/store/queries/activity.js';
import * as q from '../../src/store/queries/index.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defaultStoreUrl, openStore, StoreError } from '../../src/store/index.js';
import { MIGRATIONS, migrationVersion } from '../../src/store/migrations/index.js';
import { migrate } from '../../src/store/migrate.js';
import { SqliteDriver } from '../../src/store/sqlite/driver.js';
import { request } from './fixtures/records.js';

const LATEST = migrationVersion(MIGRATIONS[MIGRATIONS.length - 1].id);
const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it('are numbered in order, unique, and written for both dialects', () => {
    const ids = MIGRATIONS.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const versions = ids.map(migrationVersion);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    for (const m of MIGRATIONS) {
      expect(m.id).toMatch(/^\d{4}-[a-z0-9-]+$/);
      // a step for one backend's physical layout only says so in its name
      if (m.sqlite.length === 0) expect(m.id).toMatch(/^\d{4}-postgres-/);
      if (m.postgres.length === 0) expect(m.id).toMatch(/^\d{4}-sqlite-/);
      expect(m.sqlite.length + m.postgres.length).toBeGreaterThan(0);
    }
    // the initial schema: the same objects, one statement per object, in each dialect
    expect(MIGRATIONS[0].postgres.length).toBe(MIGRATIONS[0].sqlite.length);
  });

  it('build the schema on a fresh database and apply nothing the second time', async () => {
    const driver = SqliteDriver.open(':memory:');
    const db = driver.handle;
    const first = await migrate(driver);
    expect(first).toEqual({ applied: MIGRATIONS.map((m) => m.id), current: LATEST });
    const objects = db.prepare(`SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`).all();
    expect(objects).toEqual(expect.arrayContaining([
      { type: 'table', name: 'requests' }, { type: 'table', name: 'host_events' }, { type: 'table', name: 'client_events' },
      { type: 'table', name: 'anomalies' }, { type: 'table', name: 'checkpoints' }, { type: 'table', name: 'log_clears' },
      { type: 'table', name: 'schema_migrations' }, { type: 'view', name: 'host_names' },
      { type: 'index', name: 'requests_dedup' }, { type: 'index', name: 'requests_cmid_bucket' }, { type: 'index', name: 'requests_failed_time' },
      { type: 'table', name: 'strings' }, { type: 'table', name: 'products' },
      { type: 'table', name: 'client_summary' }, { type: 'table', name: 'request_hosts' },
    ]));
    // the tables of the deferred summaries are gone (migration 1200)
    expect(objects).not.toEqual(expect.arrayContaining([{ type: 'table', name: 'summary_mark' }]));
    expect(objects).not.toEqual(expect.arrayContaining([{ type: 'table', name: 'request_cmids' }]));
    expect(await migrate(driver)).toEqual({ applied: [], current: LATEST });
    await driver.close();
  });

  it('a failing migration leaves no trace and raises STORE_MIGRATE', async () => {
    const driver = SqliteDriver.open(':memory:');
    const db = driver.handle;
    const broken = { id: '0001-broken', sqlite: ['CREATE TABLE a (x INTEGER)', 'CREATE TABLE oops ('], postgres: [] };
    await expect(migrate(driver, [broken])).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_MIGRATE' });
    // the migration and its row in schema_migrations (created in the same transaction) are gone
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name IN ('a', 'schema_migrations')`).all()).toEqual([]);
    await driver.close();
  });

  it('the queries use the indexes meant for them', async () => {
    const driver = SqliteDriver.open(':memory:');
    const db = driver.handle;
    await migrate(driver);
    const plan = (query: q.Query<unknown>) => {
      const params = Object.fromEntries(query.params.map((p) => [p, 1]));
      const stmt = db.prepare(`EXPLAIN QUERY PLAN ${query.sqlite}`);
      return ((query.params.length ? stmt.all(params) : stmt.all()) as { detail: string }[]).map((r) => r.detail).join(' | ');
    };
    // a time range of the requests is read per host through the dedup index (host_id, second, …)
    expect(plan(q.windowCountsQuery)).toMatch(/requests_dedup \(host_id=\? AND second>\? AND second<\?\)/);
    expect(plan(q.dailyActivityQuery)).toMatch(/requests_dedup \(host_id=\? AND second>\? AND second<\?\)/);
    // one client's requests: a seek per bucket of requests_cmid_bucket
    expect(plan(q.clientRequestsQuery)).toMatch(/SEARCH r USING INDEX requests_cmid_bucket \(<expr>=\? AND cmid_id=\?\)/);
    expect(plan(q.failuresQuery)).toMatch(/requests_failed_time/);
    // a batch's keys find their activity spans by primary key (a join of JSON arrays was quadratic)
    expect(plan(activityOfKeysSql as q.Query<unknown>)).toMatch(/SEARCH s USING PRIMARY KEY \(host_id=\? AND application=\? AND cmid_id=\?\)/);
    expect(plan(deleteActivitySql as q.Query<unknown>)).toMatch(/SEARCH activity_spans USING PRIMARY KEY \(host_id=\? AND application=\? AND cmid_id=\? AND start=\?\)/);
    // the summary forms and the timeline's tables never read the requests table
    for (const query of [q.activityCountsQuery, q.activitySeriesQuery, q.dailyTableQuery, q.productsSummaryQuery, q.cloneNamesSummaryQuery, q.totalsSummaryQuery, q.hostActivitySummaryQuery]) {
      expect(plan(query as q.Query<unknown>)).not.toMatch(/\brequests\b/);
    }
    // latest clients "as of now": client_summary in primary-key order (cmid first), no sort
    const rowsPlan = (db.prepare(`EXPLAIN QUERY PLAN ${q.clientSummaryRowsSql.sqlite}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(rowsPlan).not.toMatch(/\brequests\b|TEMP B-TREE/);
    await driver.close();
  });
});

describe('openStore', () => {
  const saved = process.env.KMSWATCH_DB;
  afterEach(() => {
    if (saved === undefined) delete process.env.KMSWATCH_DB;
    else process.env.KMSWATCH_DB = saved;
  });

  it('opens a SQLite file in WAL mode, migrated, leaves it in rollback-journal mode on a clean close, and keeps data across reopen', async () => {
    const file = path.join(dir, 'a.db');
    const store = await openStore(file);
    expect(store.backend).toBe('sqlite');
    await store.writeBatch([request()]);
    const open = new Database(file, { readonly: true });
    expect(open.pragma('journal_mode', { simple: true })).toBe('wal');
    open.close();
    await store.close();
    // the last connection out switches back, so a read-only folder can open it (no -wal/-shm needed)
    expect(existsSync(`${file}-wal`) || existsSync(`${file}-shm`)).toBe(false);
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete');
    raw.close();
    const again = await openStore(file);
    expect(await again.migrate()).toEqual({ applied: [], current: LATEST });
    expect((await again.totals(Date.UTC(2030, 0, 1))).requests).toBe(1);
    await again.close();
  });

  it('defaults to KMSWATCH_DB, else ./kmswatch.db', () => {
    delete process.env.KMSWATCH_DB;
    expect(defaultStoreUrl()).toBe('./kmswatch.db');
    process.env.KMSWATCH_DB = path.join(dir, 'env.db');
    expect(defaultStoreUrl()).toBe(path.join(dir, 'env.db'));
  });

  it('uses KMSWATCH_DB when no URL is given', async () => {
    process.env.KMSWATCH_DB = path.join(dir, 'env.db');
    const store = await openStore();
    await store.writeBatch([request()]);
    await store.close();
    const raw = new Database(path.join(dir, 'env.db'), { readonly: true });
    expect(raw.prepare('SELECT COUNT(*) AS n FROM requests').get()).toEqual({ n: 1 });
    raw.close();
  });

  it('rejects unknown URL schemes and unusable paths with a StoreError', async () => {
    await expect(openStore('mysql://u:secret@h/db')).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_URL' });
    await expect(openStore('mysql://u:secret@h/db')).rejects.not.toThrow(/secret/);
    await expect(openStore('')).rejects.toBeInstanceOf(StoreError);
    await expect(openStore(path.join(dir, 'no/such/dir/x.db'))).rejects.toMatchObject({ code: 'STORE_OPEN' });
  });

  it('routes postgres:// URLs to the PostgreSQL backend', async () => {
    // nothing listens on port 1: the error must come from the PostgreSQL backend, not a missing module
    const err = await openStore('postgres://kmswatch:pw@127.0.0.1:1/kmswatch').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).not.toMatch(/not available/);
  });
});
