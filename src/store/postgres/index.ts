import { appliedMigrations, migrate } from '../migrate.js';
import { MIGRATIONS, migrationVersion, type Migration, refuseNewerSchema, refuseOlderSchema, unknownNewerMigrations } from '../migrations/index.js';
import { SqlStore } from '../sql-store.js';
import type { MigrationReport } from '../types.js';
import { createPool, PostgresDriver, redactUrl, storeError, type PgPool } from './driver.js';

export { createPool, isPostgresUrl, PostgresDriver, redactUrl } from './driver.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 4): report queries run in parallel on them. */
  poolSize?: number;
  /** Skip migrate() (tests of migrations). Read-only stores never migrate. */
  migrate?: boolean;
  /**
   * Reads only: every session is read-only (default_transaction_read_only), nothing is migrated and
   * the schema must be the current one (STORE_SCHEMA_OLDER / STORE_SCHEMA_NEWER otherwise), so a
   * role with CONNECT, USAGE on the schema and SELECT on its tables is enough (docs/postgres.md).
   */
  readOnly?: boolean;
}

const READ_ONLY_SESSION = '-c default_transaction_read_only=on';

/** Connects to `postgres://user@host:port/db`, applies pending migrations (unless read-only) and returns the Store. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<SqlStore> {
  const readOnly = options.readOnly === true;
  const pool = createPool(readOnly ? readOnlyUrl(url) : url, { max: options.poolSize, readOnly });
  const driver = new PostgresDriver(pool, redactUrl(url), readOnly);
  const store = new SqlStore(driver);
  try {
    // fail fast with a clear message when the server is not there
    await pool.query('SELECT 1');
    if (readOnly) await checkSchema(driver, url);
    else if (options.migrate !== false) await store.migrate();
  } catch (err) {
    await store.close();
    throw storeError(`cannot open PostgreSQL store ${redactUrl(url)}${grantsHint(err)}`, 'STORE_OPEN', err);
  }
  return store;
}

/**
 * The URL with the read-only session setting added to its own `options` parameter, if it has one:
 * node-postgres lets the URL's parameters replace the pool's, so the setting createPool adds would
 * be lost. A URL without `options` is returned as it is.
 */
export function readOnlyUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = new URLSearchParams(url.slice(query + 1));
  const given = params.get('options');
  if (given === null) return url;
  params.set('options', `${given} ${READ_ONLY_SESSION}`.trim());
  return `${url.slice(0, query)}?${params.toString()}`;
}

async function checkSchema(driver: PostgresDriver, url: string): Promise<void> {
  const applied = (await appliedMigrations(driver)).map((m) => m.id);
  const where = `PostgreSQL database ${redactUrl(url)}`;
  refuseNewerSchema(applied, MIGRATIONS, where);
  refuseOlderSchema(applied, MIGRATIONS, where);
}

/** A role that may not read the tables: what a read-only role needs. */
function grantsHint(err: unknown): string {
  const code = ((err as { cause?: { code?: unknown } }).cause ?? (err as { code?: unknown }))?.code;
  return code === '42501'
    ? ' (a read-only role needs CONNECT on the database, USAGE on the schema and SELECT on its tables: docs/postgres.md)'
    : '';
}

/** Applies pending migrations through a pool (tests, `db migrate` on a pool). */
export async function migratePostgres(pool: PgPool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  return migrate(new PostgresDriver(pool, 'PostgreSQL database', false), migrations);
}

export interface MigrationStatus {
  applied: { id: string; appliedAt: number }[];
  pending: string[];
  current: number;
  /** Applied migrations this kmswatch does not know, numbered above its newest: a newer kmswatch wrote them. */
  newer: string[];
}

/** What is applied and what is pending, without changing anything. */
export async function postgresMigrationStatus(pool: PgPool): Promise<MigrationStatus> {
  const applied = await appliedMigrations(new PostgresDriver(pool, 'PostgreSQL database', true));
  const ids = applied.map((m) => m.id);
  return {
    applied,
    pending: MIGRATIONS.filter((m) => !ids.includes(m.id)).map((m) => m.id),
    current: ids.reduce((max, id) => Math.max(max, migrationVersion(id)), 0),
    newer: unknownNewerMigrations(ids, MIGRATIONS),
  };
}
