/**
 * Readers never write (issue 22): report, clients, alerts that change no alert state, serve
 * without a token and its /metrics open the store read-only. They give the same answers on a
 * database they cannot write (a read-only file, a read-only folder, a full disk, a PostgreSQL role
 * that may only read) as on a writable copy, leave the file's bytes and mtime as they were, and
 * never migrate: an older schema is refused with STORE_SCHEMA_OLDER until `kmswatch db migrate`.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { SqliteDriver } from '../../src/store/sqlite/driver.js';
import { createApp } from '../../src/web/app.js';
import { runCliOnDb } from '../cli/helpers.js';
import { repoRoot } from '../helpers/paths.js';
import { runConfined, serveMetrics, type ConfinedRun, type Confinement, type Step, type StepResult } from '../helpers/read-only-fs.js';
import { ADMIN_URL, ThrowawayDatabase, withDatabase } from './contract/pg-database.js';

const HOUR = 3_600_000;
/** The end of the simulated period and the instant of the reports: a whole hour, before now (demo --at). */
const AT = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const AT_ISO = new Date(AT).toISOString();
/** A later instant: alerts evaluated there would change the stored state (lastSeen moves). */
const LATER_ISO = new Date(AT + HOUR / 2).toISOString();
const UTC = ['--timezone', 'UTC'];

/** A small fleet, all of it inside the last 5 days: /metrics (as of now) meets no 30-day boundary while the runs compare. */
const DEMO = ['demo', '--days', '5', '--clients', '40', '--hosts', '2', '--seed', '7', '--at', AT_ISO];

/** What every reader does; the alerts at AT change nothing because the writer ran the same evaluation before. */
const READS: Step[] = [
  { args: ['report', '--at', AT_ISO, ...UTC] },
  { args: ['report', '--json', '--at', AT_ISO, ...UTC] },
  { args: ['clients', '--json', '--at', AT_ISO, ...UTC] },
  { args: ['alerts', '--json', '--at', AT_ISO, ...UTC] },
  { args: ['alerts', '--dry-run', '--json', '--at', LATER_ISO, ...UTC] },
  { metrics: true },
];
/** An evaluation that would change the alert state: it must be saved, which a read-only database refuses. */
const MUST_SAVE: Step = { args: ['alerts', '--at', LATER_ISO, ...UTC] };

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function fileState(file: string) {
  return { sha256: sha256(file), mtimeNs: String(statSync(file, { bigint: true }).mtimeNs), folder: readdirSync(path.dirname(file)).sort() };
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'kmswatch-read-only-'));
}

/** `kmswatch serve` in a process of its own; resolves with its exit code and stderr (it must fail before listening). */
function serveExit(db: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), '--db', db, 'serve', '--port', '0'], {
      cwd: repoRoot,
      env: { ...process.env, KMSWATCH_TOKEN: '', KMSWATCH_READ_TOKEN: '' },
    });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/serving/.test(stderr)) {
        p.kill('SIGTERM');
        reject(new Error(`serve started on a database it should refuse:\n${stderr}`));
      }
    });
    p.once('exit', (code) => resolve({ code, stderr }));
  });
}

/** The SQLite fleet every SQLite test reads (copies of it), made by the writers `demo` and `alerts`. */
let source: string;
/** What `demo` printed: the text report at AT, built by the writer on its read-write store. */
let demoReport: string;

beforeAll(async () => {
  source = path.join(tempDir(), 'fleet.db');
  const demo = await runCliOnDb(source, ...DEMO);
  expect(demo.code, demo.stderr).toBe(0);
  demoReport = demo.stdout;
  // the writer's evaluation at AT: stored, so the readers' evaluation at AT changes nothing
  const alerts = await runCliOnDb(source, 'alerts', '--at', AT_ISO, ...UTC);
  expect(alerts.code, alerts.stderr).toBe(0);
}, 120_000);

describe('SQLite: readers on a database they cannot write', () => {
  let baseline: ConfinedRun;

  beforeAll(async () => {
    baseline = await runConfined('writable', source, [...READS, MUST_SAVE]);
  }, 120_000);

  it('a writer that closes cleanly leaves a rollback journal: no -wal or -shm, header not in WAL mode', () => {
    expect(readdirSync(path.dirname(source))).toEqual(['fleet.db']);
    // bytes 18 and 19 of the header: file format write/read versions, 1 = rollback journal, 2 = WAL
    const header = readFileSync(source).subarray(18, 20);
    expect([...header]).toEqual([1, 1]);
  });

  it('the writable copy answers every reader, as the writer did', () => {
    for (const r of baseline.results) expect(r.code, r.stderr).toBe(0);
    const [text, json, clients, alerts, dryRun, metrics, saved] = baseline.results;
    // independent of the read-only path: demo built this report on its own read-write store
    expect(text.stdout).toBe(demoReport);
    expect(JSON.parse(json.stdout).totals.requests).toBeGreaterThan(0);
    expect((JSON.parse(clients.stdout) as unknown[]).length).toBeGreaterThan(0);
    expect((JSON.parse(alerts.stdout) as { open: unknown[] }).open.length).toBeGreaterThan(0);
    expect(JSON.parse(dryRun.stdout).at).toBe(new Date(LATER_ISO).toISOString());
    expect(metrics.stdout).toMatch(/^kms_current_count\{host="[^"]+",application="Windows"\} \d+$/m);
    // the evaluation at LATER moved lastSeen: saved on the writable copy (the file changed)
    expect(saved.stdout).toMatch(/open alert/);
    expect(baseline.after.sha256).not.toBe(baseline.before.sha256);
  });

  const cases: [Confinement, RegExp][] = [
    ['read-only file', /^(EROFS|EACCES)$/],
    ['read-only folder', /^(EROFS|EACCES)$/],
    ['full disk', /^ENOSPC$/],
  ];
  for (const [kind, refused] of cases) {
    it(`report, clients, alerts and /metrics on a ${kind}: the writable copy's answers, the file untouched`, async () => {
      const saves = kind !== 'full disk';
      const run = await runConfined(kind, source, saves ? [...READS, MUST_SAVE] : READS);
      // the confinement holds: a write there fails
      expect(run.proof).toMatch(refused);
      if (kind === 'full disk') expect(run.freeBlocks).toBe(0);
      READS.forEach((step, i) => {
        const label = 'metrics' in step ? 'GET /metrics' : step.args.join(' ');
        expect(run.results[i].code, `${label}: ${run.results[i].stderr}`).toBe(0);
        expect(run.results[i].stdout, label).toBe(baseline.results[i].stdout);
      });
      if (saves) {
        // alerts whose state changed: evaluated read-only, then refused when saving, with the way out
        const refusedSave: StepResult = run.results[READS.length];
        expect(refusedSave.code).toBe(1);
        expect(refusedSave.stderr).toMatch(/StoreError STORE_\w+: \d+ alert states? changed and could not be saved \(.*\); --dry-run evaluates without saving/);
      }
      expect(run.after).toEqual(run.before);
    }, 120_000);
  }

});

describe('SQLite: an older or newer schema is refused by the readers, unchanged', () => {
  let dir: string;
  let older: string;

  beforeAll(async () => {
    dir = tempDir();
    older = path.join(dir, 'older.db');
    // a database a kmswatch one migration behind made: every migration but the newest
    const driver = SqliteDriver.open(older);
    try {
      await migrate(driver, MIGRATIONS.slice(0, -1));
    } finally {
      await driver.close();
    }
  });

  it('report, clients, alerts and serve exit 1 with STORE_SCHEMA_OLDER naming `kmswatch db migrate`; db migrate then fixes it', async () => {
    const newest = MIGRATIONS[MIGRATIONS.length - 1].id;
    const before = fileState(older);
    for (const args of [['report', ...UTC], ['clients', ...UTC], ['alerts', '--dry-run', ...UTC], ['alerts', ...UTC]]) {
      const r = await runCliOnDb(older, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('StoreError STORE_SCHEMA_OLDER');
      expect(r.stderr).toContain('run `kmswatch db migrate`');
      expect(r.stderr).toContain(newest);
      expect(r.stdout).toBe('');
    }
    const served = await serveExit(older);
    expect(served.code).toBe(1);
    expect(served.stderr).toContain('STORE_SCHEMA_OLDER');
    expect(fileState(older)).toEqual(before);

    const migrated = await runCliOnDb(older, 'db', 'migrate');
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain(`applied: ${newest}`);
    const report = await runCliOnDb(older, 'report', '--json', ...UTC);
    expect(report.code, report.stderr).toBe(0);
    // nothing was ever stored in it
    expect(JSON.parse(report.stdout).totals.requests).toBe(0);
  });

  it('a database a newer kmswatch migrated: STORE_SCHEMA_NEWER, unchanged', async () => {
    const newer = path.join(dir, 'newer.db');
    copyFileSync(older, newer);
    const raw = new Database(newer);
    raw.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run('9900-from-the-future', 0);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = fileState(newer);
    const r = await runCliOnDb(newer, 'report', ...UTC);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('StoreError STORE_SCHEMA_NEWER');
    expect(r.stderr).toContain('9900-from-the-future');
    expect(fileState(newer)).toEqual(before);
  });

  it('openStore(readOnly) of a file that is not there: STORE_MISSING, nothing created', async () => {
    const missing = path.join(dir, 'missing.db');
    await expect(openStore(missing, { readOnly: true })).rejects.toMatchObject({ code: 'STORE_MISSING' });
    expect(existsSync(missing)).toBe(false);
  });
});

describe('serve on a read-only store', () => {
  let store: Store;
  let writable: Store;

  beforeAll(async () => {
    const file = path.join(tempDir(), 'serve.db');
    copyFileSync(source, file);
    store = await openStore(file, { readOnly: true });
    writable = await openStore(':memory:');
  });

  afterAll(async () => {
    await store?.close();
    await writable?.close();
  });

  it('with a token, POST /api/ingest is answered 503 WEB_READ_ONLY and health says not writable; reads work', async () => {
    expect(store.readOnly).toBe(true);
    const app = createApp({ store, token: 'tok-1', staticDir: null, timezone: 'UTC', ingestWorkers: 0 });
    try {
      const health = await app.inject({ method: 'GET', url: '/api/health' });
      expect(health.json()).toMatchObject({ ok: true, writable: false });
      const posted = await app.inject({
        method: 'POST', url: '/api/ingest', payload: '{}',
        headers: { authorization: 'Bearer tok-1', 'content-type': 'application/x-ndjson' },
      });
      expect(posted.statusCode).toBe(503);
      expect(posted.json()).toMatchObject({ error: 'WEB_READ_ONLY', message: expect.stringContaining('read-only') });
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.body).toContain('kms_current_count{');
    } finally {
      await app.close();
    }
    // the same server on a writable store is writable (what the answers above are told apart from)
    const other = createApp({ store: writable, token: 'tok-1', staticDir: null, timezone: 'UTC', ingestWorkers: 0 });
    try {
      expect((await other.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({ writable: true });
    } finally {
      await other.close();
    }
  });

  it('a write method of a read-only store fails with STORE_READ_ONLY', async () => {
    await expect(store.setMeta!('probe', 'x')).rejects.toMatchObject({ name: 'StoreError', code: 'STORE_READ_ONLY' });
  });
});

describe('PostgreSQL: a role that may only read', () => {
  let db: ThrowawayDatabase;
  let ownerUrl: string;
  let schema: string;
  const role = `kmswatch_ro_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const password = Math.random().toString(36).slice(2);
  let roUrl: string;
  let roPlainUrl: string;
  let pgDemoReport: string;

  async function asAdmin(sql: string, database = db.name): Promise<void> {
    const client = new pg.Client({ connectionString: withDatabase(ADMIN_URL, database) });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    db = await ThrowawayDatabase.create();
    ownerUrl = await db.freshSchemaUrl();
    schema = /search_path=(\w+)/.exec(decodeURIComponent(new URL(ownerUrl).searchParams.get('options') ?? ''))![1];
    const demo = await runCliOnDb(ownerUrl, ...DEMO);
    expect(demo.code, demo.stderr).toBe(0);
    pgDemoReport = demo.stdout;
    const alerts = await runCliOnDb(ownerUrl, 'alerts', '--at', AT_ISO, ...UTC);
    expect(alerts.code, alerts.stderr).toBe(0);
    // CONNECT, USAGE and SELECT only: PUBLIC's default rights on the database (TEMP among them) taken away
    await asAdmin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await asAdmin(`REVOKE ALL ON DATABASE ${db.name} FROM PUBLIC`);
    await asAdmin(`GRANT CONNECT ON DATABASE ${db.name} TO ${role}`);
    await asAdmin(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
    await asAdmin(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
    await asAdmin(`ALTER ROLE ${role} IN DATABASE ${db.name} SET search_path = ${schema}`);
    const u = new URL(ownerUrl);
    u.username = role;
    u.password = password;
    roUrl = u.toString();
    u.search = '';
    // no `options` in the URL: the role's own search_path, the pool's connection options
    roPlainUrl = u.toString();
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    await asAdmin(`DROP ROLE IF EXISTS ${role}`, new URL(ADMIN_URL).pathname.slice(1));
  });

  it('report, clients and alerts as the role answer as the owner does (and as the writer did)', async () => {
    // the same fleet on both backends: the same report (the SQLite writer's is an independent path),
    // but for the temporary folder demo read its logs from (the sources' names)
    const demoFolder = (text: string) => text.replace(/kmswatch-demo-\w{6}/g, 'kmswatch-demo-XXXXXX');
    expect(demoFolder(pgDemoReport)).toBe(demoFolder(demoReport));
    const reads = READS.filter((s): s is { args: string[] } => 'args' in s);
    for (const step of reads) {
      const owner = await runCliOnDb(ownerUrl, ...step.args);
      for (const url of [roUrl, roPlainUrl]) {
        const reader = await runCliOnDb(url, ...step.args);
        expect(reader.code, `${step.args.join(' ')}: ${reader.stderr}`).toBe(0);
        expect(reader.stdout).toBe(owner.stdout);
      }
    }
    const text = await runCliOnDb(roUrl, ...reads[0].args);
    expect(text.stdout).toBe(pgDemoReport);
    // the role may not write at all: an alerts run that must save is refused, the way out named
    const save = await runCliOnDb(roUrl, ...MUST_SAVE.args);
    expect(save.code).toBe(1);
    expect(save.stderr).toMatch(/alert states? changed and could not be saved/);
  }, 120_000);

  it('/metrics of serve as the role is the owner\'s', async () => {
    const owner = await serveMetrics(ownerUrl);
    const reader = await serveMetrics(roPlainUrl);
    expect(owner.code, owner.stderr).toBe(0);
    expect(reader.code, reader.stderr).toBe(0);
    expect(owner.stdout).toMatch(/^kms_current_count\{/m);
    expect(reader.stdout).toBe(owner.stdout);
  }, 60_000);

  it('every session of a read-only store is read-only, with and without `options` in the URL', async () => {
    // the owner's URL without `options`: its search_path from the role's setting in this database
    await asAdmin(`ALTER ROLE CURRENT_USER IN DATABASE ${db.name} SET search_path = ${schema}`);
    for (const url of [ownerUrl, withDatabase(ADMIN_URL, db.name)]) {
      const store = await openStore(url, { readOnly: true });
      try {
        const probe = { name: 'probe', params: [], sqlite: '', postgres: 'CREATE TABLE read_only_probe (x int)' };
        // the owner may create tables: refused only because the session is read-only (25006)
        await expect((store as unknown as { db: { run(s: typeof probe): Promise<number> } }).db.run(probe)).rejects.toMatchObject({
          cause: { code: '25006' },
        });
      } finally {
        await store.close();
      }
    }
  });

  it('an older schema: STORE_SCHEMA_OLDER for the role, nothing applied', async () => {
    const newest = MIGRATIONS[MIGRATIONS.length - 1].id;
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      const row = (await owner.query('SELECT applied_at FROM schema_migrations WHERE id = $1', [newest])).rows[0] as { applied_at: string };
      await owner.query('DELETE FROM schema_migrations WHERE id = $1', [newest]);
      try {
        const r = await runCliOnDb(roUrl, 'report', ...UTC);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('StoreError STORE_SCHEMA_OLDER');
        expect(r.stderr).toContain('run `kmswatch db migrate`');
        expect((await owner.query('SELECT count(*)::int AS n FROM schema_migrations WHERE id = $1', [newest])).rows[0]).toEqual({ n: 0 });
      } finally {
        await owner.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)', [newest, row.applied_at]);
      }
    } finally {
      await owner.end();
    }
  });
});
