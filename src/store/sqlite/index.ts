import { SqliteStore, type SqliteStoreOptions } from './store.js';

export { SqliteStore, type SqliteStoreOptions } from './store.js';
export { migrateSqlite } from './migrator.js';

/** Opens (creating if needed) a SQLite database and applies pending migrations. */
export async function openSqliteStore(location: string, options?: SqliteStoreOptions): Promise<SqliteStore> {
  const store = SqliteStore.open(location, options);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
