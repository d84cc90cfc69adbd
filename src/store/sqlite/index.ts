import { appliedMigrations } from '../migrate.js';
import { MIGRATIONS, refuseNewerSchema, refuseOlderSchema } from '../migrations/index.js';
import { SqlStore } from '../sql-store.js';
import { StoreError } from '../types.js';
import { SqliteDriver, type SqliteDriverOptions } from './driver.js';

export { SqliteDriver, type SqliteDriverOptions } from './driver.js';

export interface SqliteStoreOptions extends SqliteDriverOptions {
  /** Skip migrate() (tests of migrations; `db status`). Read-only stores never migrate. */
  migrate?: boolean;
}

/**
 * Opens (creating if needed) a SQLite database and applies pending migrations. With `readOnly`, an
 * existing database for reading only: SQLite's read-only mode and connection settings alone, so it
 * works on a read-only file, in a read-only folder and on a full disk; its schema must be the one
 * this kmswatch knows (newer → STORE_SCHEMA_NEWER, older → STORE_SCHEMA_OLDER: `kmswatch db migrate`).
 */
export async function openSqliteStore(location: string, options: SqliteStoreOptions = {}): Promise<SqlStore> {
  const driver = SqliteDriver.open(location, options);
  const store = new SqlStore(driver);
  try {
    if (options.readOnly) await checkSchema(driver, location);
    else if (options.migrate !== false) await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

async function checkSchema(driver: SqliteDriver, location: string): Promise<void> {
  let applied: string[];
  try {
    applied = (await appliedMigrations(driver)).map((m) => m.id);
  } catch (err) {
    throw new StoreError(`cannot read SQLite database ${location}: ${(err as Error).message}${walHint(err)}`, 'STORE_OPEN', { cause: err });
  }
  const where = `SQLite database ${location}`;
  refuseNewerSchema(applied, MIGRATIONS, where);
  refuseOlderSchema(applied, MIGRATIONS, where);
}

/** A database left in WAL mode needs its -shm file, which a read-only folder cannot get. */
function walHint(err: unknown): string {
  const code = ((err as { cause?: { code?: unknown } }).cause ?? (err as { code?: unknown }))?.code;
  return code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY_RECOVERY' || code === 'SQLITE_READONLY_CANTINIT'
    ? ' (a database in WAL mode, whose writer is still running or did not close cleanly, needs its -wal and -shm files or a writable folder)'
    : '';
}
