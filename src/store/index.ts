import { existsSync } from 'node:fs';
import type { Store } from './types.js';
import { StoreError } from './types.js';
import { openSqliteStore } from './sqlite/index.js';

export * from './types.js';

/** Where the database lives when no URL is given: KMSWATCH_DB, else ./kmswatch.db. */
export function defaultStoreUrl(): string {
  return process.env.KMSWATCH_DB || './kmswatch.db';
}

export interface OpenStoreOptions {
  /**
   * Whether a SQLite file that does not exist yet is created (default true). Commands that only
   * read say false, so a mistyped --db is an error instead of an empty report from a new file.
   */
  create?: boolean;
  /**
   * Open for reading only (report, clients, alerts without state changes, serve's reads, /metrics):
   * nothing is written, no migration is applied (an older schema is STORE_SCHEMA_OLDER: "run
   * `kmswatch db migrate`"), and it works on a read-only file or folder, a full disk and with a
   * read-only PostgreSQL role. Implies create: false.
   */
  readOnly?: boolean;
}

/**
 * Opens the store named by `url` and applies pending migrations (`readOnly`: applies none and
 * refuses a schema other than the current one):
 *   postgres://… or postgresql://… → PostgreSQL (src/store/postgres)
 *   :memory: or a file path          → SQLite
 */
export async function openStore(url: string = defaultStoreUrl(), options: OpenStoreOptions = {}): Promise<Store> {
  if (url === '') throw new StoreError('empty database URL', 'STORE_URL');
  const readOnly = options.readOnly === true;
  if (/^postgres(ql)?:\/\//i.test(url)) return openPostgres(url, readOnly);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new StoreError(`unsupported database URL ${redact(url)}: use a file path, :memory: or postgres://`, 'STORE_URL');
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if ((options.create === false || readOnly) && file !== ':memory:' && !existsSync(file)) {
    throw new StoreError(`no database at ${file}: \`kmswatch ingest\` creates one; --db or KMSWATCH_DB names another`, 'STORE_MISSING');
  }
  // A new in-memory database is this process's own and empty: nothing to keep from being written,
  // and it needs its schema to answer at all.
  if (readOnly && file !== ':memory:') return openSqliteStore(file, { readOnly: true });
  return openSqliteStore(file);
}

interface PostgresModule {
  openPostgresStore(url: string, options?: { readOnly?: boolean }): Promise<Store>;
}

async function openPostgres(url: string, readOnly: boolean): Promise<Store> {
  // a variable specifier keeps the type check independent of the postgres backend's progress
  const specifier = './postgres/index.js';
  let mod: PostgresModule;
  try {
    mod = (await import(specifier)) as PostgresModule;
  } catch (err) {
    throw new StoreError(`the PostgreSQL backend is not available (${(err as Error).message})`, 'STORE_OPEN', { cause: err });
  }
  if (typeof mod.openPostgresStore !== 'function') {
    throw new StoreError('the PostgreSQL backend does not export openPostgresStore()', 'STORE_OPEN');
  }
  return mod.openPostgresStore(url, { readOnly });
}

/** Drops the password from a URL before it goes into an error message. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
