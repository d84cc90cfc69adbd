import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/analysis/report.js';
import { register } from '../../src/cli/commands/db.js';
import type { CliContext } from '../../src/cli/context.js';
import { openStore } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { selectedBackends } from './contract/backends.js';
import { FLEET_AT, fleetHistory } from './contract/fleet.js';
import { ThrowawayDatabase } from './contract/pg-database.js';

function context(): CliContext & { out: string; err: string } {
  const ctx = {
    out: '',
    err: '',
    stdout: { write: (s: string) => void (ctx.out += s) },
    stderr: { write: (s: string) => void (ctx.err += s) },
    env: {},
    openStore: (url: string | undefined) => openStore(url),
    exitCode: 0,
    now: () => FLEET_AT,
  };
  return ctx;
}

async function db(args: string[]): Promise<ReturnType<typeof context>> {
  const ctx = context();
  const program = new Command('kmswatch').option('--db <url>').exitOverride();
  register(program, ctx);
  await program.parseAsync(['node', 'kmswatch', ...args]);
  return ctx;
}

describe.runIf(selectedBackends().includes('postgres'))('kmswatch db (PostgreSQL)', () => {
  let pg: ThrowawayDatabase;
  let dir: string;
  beforeAll(async () => {
    pg = await ThrowawayDatabase.create();
    dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-db-'));
  });
  afterAll(async () => {
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('status shows pending migrations, migrate applies them, status is clean', async () => {
    const url = await pg.freshSchemaUrl();
    const before = await db(['--db', url, 'db', 'status', '--json']);
    expect(JSON.parse(before.out)).toMatchObject({ backend: 'postgres', applied: [], pending: MIGRATIONS.map((m) => m.id) });
    expect(before.exitCode).toBe(1);

    const migrate = await db(['--db', url, 'db', 'migrate']);
    expect(migrate.out).toContain(`applied: ${MIGRATIONS.map((m) => m.id).join(', ')}`);
    expect((await db(['--db', url, 'db', 'migrate'])).out).toContain('nothing to apply');

    const after = await db(['--db', url, 'db', 'status']);
    expect(after.exitCode).toBe(0);
    expect(after.out).not.toContain('pending');
  });

  it('copy moves a SQLite store into PostgreSQL: the same report, and only into an empty store', async () => {
    const file = path.join(dir, 'source.db');
    const sqlite = await openSqliteStore(file);
    const history = fleetHistory(11);
    for (let i = 0; i < history.length; i += 500) await sqlite.writeBatch(history.slice(i, i + 500));
    const expected = await buildReport(sqlite, { at: FLEET_AT, timezone: 'UTC' });
    const expectedCheckpoints = await sqlite.checkpoints();
    await sqlite.close();

    const url = await pg.freshSchemaUrl();
    const copy = await db(['db', 'copy', '--from', file, '--to', url]);
    expect(copy.out).toMatch(/requests\s+\d+ rows/);

    const target = await openStore(url);
    try {
      expect(target.backend).toBe('postgres');
      expect(await buildReport(target, { at: FLEET_AT, timezone: 'UTC' })).toEqual(expected);
      expect(await target.checkpoints()).toEqual(expectedCheckpoints);
      // the copied dedup keys still work: ingesting the history again adds nothing
      const again = await target.writeBatch(history.slice(0, 1000));
      expect(again).toMatchObject({ requests: 0, anomalies: 0, hostEvents: 0, duplicates: 1000 });
    } finally {
      await target.close();
    }

    // a second copy into the now non-empty store is refused and changes nothing
    await expect(db(['db', 'copy', '--from', file, '--to', url])).rejects.toThrow(/not empty/);
    const check = await openStore(url);
    try {
      expect((await check.totals(FLEET_AT)).requests).toBe(expected.totals.requests);
    } finally {
      await check.close();
    }
  });

  it('copy of a store whose writer died before writing its client summary: brought up to date first', async () => {
    const file = path.join(dir, 'died.db');
    const sqlite = await openSqliteStore(file);
    const history = fleetHistory(12);
    for (let i = 0; i < history.length; i += 500) await sqlite.writeBatch(history.slice(i, i + 500));
    // the fold of these batches is only in memory (sqlite/summary-sync.ts): lose it
    sqlite.db.close();
    const reference = await openSqliteStore(':memory:');
    for (let i = 0; i < history.length; i += 500) await reference.writeBatch(history.slice(i, i + 500));
    const expected = await buildReport(reference, { at: FLEET_AT, timezone: 'UTC' });
    await reference.close();

    const url = await pg.freshSchemaUrl();
    await db(['db', 'copy', '--from', file, '--to', url]);
    const target = await openStore(url);
    try {
      expect(await buildReport(target, { at: FLEET_AT, timezone: 'UTC' })).toEqual(expected);
    } finally {
      await target.close();
    }
  });

  it('refuses swapped arguments', async () => {
    await expect(db(['db', 'copy', '--from', 'postgres://x@y/z', '--to', 'postgres://x@y/z'])).rejects.toThrow(/--from must be a SQLite/);
    await expect(db(['db', 'copy', '--from', path.join(dir, 'none.db'), '--to', 'x.db'])).rejects.toThrow(/--to must be a postgres/);
  });
});
