import { createPool, redactUrl, storeError } from './driver.js';
import { PostgresStore } from './store.js';
import type { FlushLimits } from './summary-pending.js';

export { PostgresStore } from './store.js';
export { migratePostgres, postgresMigrationStatus, type MigrationStatus } from './migrator.js';
export { createPool, isPostgresUrl, redactUrl } from './driver.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 4): report queries run in parallel on them. */
  poolSize?: number;
  /** Skip migrate() (for `db status`, which must not change the schema). */
  migrate?: boolean;
  /** When the writer writes its client_summary fold (summary-pending.ts; tests make it small). */
  summaryFlush?: FlushLimits;
}

/** Connects to `postgres://user@host:port/db`, applies pending migrations and returns the Store. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const pool = createPool(url, { max: options.poolSize });
  const store = new PostgresStore(pool, url, options.summaryFlush);
  try {
    // fail fast with a clear message when the server is not there
    await pool.query('SELECT 1');
    if (options.migrate !== false) await store.migrate();
  } catch (err) {
    await store.close();
    throw storeError(`cannot open PostgreSQL store ${redactUrl(url)}`, 'STORE_OPEN', err);
  }
  return store;
}
