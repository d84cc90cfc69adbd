import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { CliUsageError } from '../errors.js';
import { raiseExitCode, tableWidth, type CliContext } from '../context.js';
import { EXIT_FAILED } from '../errors.js';
import { withStore } from '../store.js';
import { terminalControls } from '../terminal.js';
import { parseAt } from '../options.js';
import { renderTable } from '../../report/table.js';
import type { PruneResult } from '../../store/types.js';

interface DbOptions {
  db?: string;
  json?: boolean;
}

interface CopyOptions {
  from: string;
  to: string;
}

interface PruneOptions extends DbOptions {
  before: string;
  dryRun?: boolean;
}

interface MigrationState {
  backend: 'sqlite' | 'postgres';
  applied: { id: string; appliedAt: number }[];
  pending: string[];
  current: number;
  /** Applied migrations unknown to this kmswatch and newer than it: the database is refused (STORE_SCHEMA_NEWER). */
  newer: string[];
}

const isPostgres = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);

/** `kmswatch db migrate | status | copy | prune`: schema, moving a store between backends, retention. */
export function register(program: Command, ctx: CliContext): void {
  const db = program.command('db').description('database schema: migrate, status, copy a SQLite store into PostgreSQL, prune old events');

  db.command('migrate')
    .description('apply pending migrations to --db (PostgreSQL: under an advisory lock, in one transaction)')
    .action(async (_opts: DbOptions, command: Command) => {
      const opts = command.optsWithGlobals<DbOptions>();
      const url = storeUrl(opts, ctx);
      const before = await migrationState(url);
      // opening a store applies what is pending
      await withStore(ctx, url, async (store) => store.migrate());
      const after = await migrationState(url);
      const applied = after.applied.map((a) => a.id).filter((id) => !before.applied.some((b) => b.id === id));
      ctx.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'nothing to apply\n');
      ctx.stdout.write(`schema version ${after.current} (${after.backend}, ${after.applied.length} migrations)\n`);
    });

  db.command('status')
    .description('applied and pending migrations of --db, without changing anything')
    .option('--json', 'as JSON')
    .action(async (_opts: DbOptions, command: Command) => {
      const opts = command.optsWithGlobals<DbOptions>();
      const state = await migrationState(storeUrl(opts, ctx));
      if (opts.json) {
        ctx.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
      } else {
        ctx.stdout.write(`backend ${state.backend}, schema version ${state.current}\n`);
        for (const a of state.applied) ctx.stdout.write(`  applied  ${a.id}  ${new Date(a.appliedAt).toISOString()}\n`);
        for (const id of state.pending) ctx.stdout.write(`  pending  ${id}\n`);
        for (const id of state.newer) ctx.stdout.write(`  newer    ${id}  (unknown to this kmswatch, which refuses the database: use a newer kmswatch)\n`);
      }
      if (state.pending.length > 0 || state.newer.length > 0) raiseExitCode(ctx, EXIT_FAILED);
    });

  db.command('copy')
    .description('copy a SQLite store into an empty PostgreSQL store (one transaction)')
    .requiredOption('--from <sqlite path>', 'the SQLite store to read (opened read-only)')
    .requiredOption('--to <postgres url>', 'postgres://user@host:port/db (migrated first; must hold no events)')
    .action(async (opts: CopyOptions) => {
      if (isPostgres(opts.from)) throw new CliUsageError('--from must be a SQLite file path', 'CLI_BAD_OPTION', '--from');
      if (!isPostgres(opts.to)) throw new CliUsageError('--to must be a postgres:// URL', 'CLI_BAD_OPTION', '--to');
      if (!existsSync(opts.from)) throw new CliUsageError(`--from: no such file ${opts.from}`, 'CLI_BAD_OPTION', '--from');
      const { copySqliteToPostgres } = await import('../../store/copy-store.js');
      const started = Date.now();
      const results = await copySqliteToPostgres(opts.from, opts.to, (table, rows) => {
        // a counter redrawn in place: the CR goes to the terminal itself (table names are kmswatch's own)
        if (ctx.stderr.isTTY) terminalControls(ctx.stderr).write(`\r${table}: ${rows} rows`);
      });
      if (ctx.stderr.isTTY) ctx.stderr.write('\n');
      for (const r of results) ctx.stdout.write(`${r.table.padEnd(14)} ${String(r.rows).padStart(10)} rows\n`);
      ctx.stdout.write(`copied in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    });

  db.command('prune')
    .description('delete every event before a date, in one transaction (docs/definitions.md "prune")')
    .requiredOption('--before <date>', 'ISO 8601 date or time, UTC unless it has an offset (a date alone: 00:00 UTC of that day)')
    .option('--dry-run', 'count what would be deleted, change nothing')
    .option('--json', 'the result as JSON')
    .action(async (_opts: PruneOptions, command: Command) => {
      const opts = command.optsWithGlobals<PruneOptions>();
      const before = pruneBefore(opts.before, ctx.now());
      const result = await withStore(ctx, opts.db, (store) => store.prune(before, { dryRun: opts.dryRun === true }), { create: false });
      ctx.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderPrune(result, tableWidth(ctx.stdout)));
    });
}

/** --before: a time not in the future (pruning everything up to now is allowed). */
function pruneBefore(text: string, now: number): number {
  let before: number;
  try {
    before = parseAt(text, 'UTC');
  } catch {
    throw new CliUsageError(`option '--before <date>' argument '${text}' is invalid: not an ISO 8601 date or time (e.g. 2025-01-01)`, 'CLI_BAD_OPTION', '--before');
  }
  if (before > now) {
    throw new CliUsageError(`option '--before <date>' argument '${text}' is in the future: prune deletes only what happened before a past instant`, 'CLI_BAD_OPTION', '--before');
  }
  return before;
}

const PRUNE_ROWS: readonly [label: string, key: Exclude<keyof PruneResult, 'before' | 'dryRun'>][] = [
  ['requests', 'requests'],
  ['host events', 'hostEvents'],
  ['client events', 'clientEvents'],
  ['anomalies', 'anomalies'],
  ['damage marks', 'damageMarks'],
  ['coverage stretches', 'logSpans'],
  ['clients left with no request', 'clientsRemoved'],
];

function renderPrune(result: PruneResult, width: number | undefined): string {
  const rows = PRUNE_ROWS.map(([kind, key]) => ({ kind, n: result[key] }));
  const table = renderTable(
    [
      { header: 'Kind', value: (r: (typeof rows)[number]) => r.kind },
      { header: result.dryRun ? 'Would go' : 'Deleted', value: (r: (typeof rows)[number]) => r.n, align: 'right' },
    ],
    rows,
    { width },
  );
  const head = `events before ${new Date(result.before).toISOString()}\n`;
  return `${head}${table}${result.dryRun ? 'dry run: nothing deleted\n' : ''}`;
}

function storeUrl(opts: DbOptions, ctx: CliContext): string {
  return opts.db ?? (ctx.env.KMSWATCH_DB || './kmswatch.db');
}

/** Reads the migrations table without applying anything (a missing SQLite file has none). */
async function migrationState(url: string): Promise<MigrationState> {
  const { MIGRATIONS, MIGRATIONS_TABLE, migrationVersion, unknownNewerMigrations } = await import('../../store/migrations/index.js');
  if (isPostgres(url)) {
    const { createPool, postgresMigrationStatus } = await import('../../store/postgres/index.js');
    const pool = createPool(url, { max: 1 });
    try {
      return { backend: 'postgres', ...(await postgresMigrationStatus(pool)) };
    } finally {
      await pool.end();
    }
  }
  let applied: { id: string; appliedAt: number }[] = [];
  if (url !== ':memory:' && existsSync(url)) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(url, { readonly: true, fileMustExist: true });
    try {
      const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(MIGRATIONS_TABLE);
      if (has) {
        applied = (db.prepare(`SELECT id, applied_at FROM ${MIGRATIONS_TABLE} ORDER BY id`).all() as { id: string; applied_at: number }[]).map(
          (r) => ({ id: r.id, appliedAt: r.applied_at }),
        );
      }
    } finally {
      db.close();
    }
  }
  const ids = new Set(applied.map((a) => a.id));
  return {
    backend: 'sqlite',
    applied,
    pending: MIGRATIONS.filter((m) => !ids.has(m.id)).map((m) => m.id),
    current: applied.reduce((max, a) => Math.max(max, migrationVersion(a.id)), 0),
    newer: unknownNewerMigrations([...ids], MIGRATIONS),
  };
}
