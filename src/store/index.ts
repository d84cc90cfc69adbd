import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
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
}

/**
 * Opens the store named by `url` and applies pending migrations:
 *   postgres://… or postgresql://… → PostgreSQL (src/store/postgres)
 *   :memory: or a file path          → SQLite
 */
export async function openStore(url: string = defaultStoreUrl(), options: OpenStoreOptions = {}): Promise<Store> {
  if (url === '') throw new StoreError('empty database URL', 'STORE_URL');
  if (/^postgres(ql)?:\/\//i.test(url)) return openPostgres(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new StoreError(`unsupported database URL ${redact(url)}: use a file path, :memory: or postgres://`, 'STORE_URL');
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (options.create === false && file !== ':memory:' && !existsSync(file)) {
    throw new StoreError(`no database at ${file}: \`kmswatch ingest\` creates one; --db or KMSWATCH_DB names another`, 'STORE_MISSING');
  }
  // a second core writes while the first reads and decodes (sqlite/threaded-writer.ts)
  return openSqliteStore(file, { writerThread: availableParallelism() > 1 });
}

interface PostgresModule {
  openPostgresStore(url: string): Promise<Store>;
}

async function openPostgres(url: string): Promise<Store> {
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
  return mod.openPostgresStore(url);
}

/** Drops the password from a URL before it goes into an error message. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
