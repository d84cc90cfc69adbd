import type { Driver } from '../../../src/store/driver.js';

/** The driver under a SQL store (test-only access): statements the Store interface does not offer. */
function driverOf(store: unknown): Driver {
  const db = (store as { db?: Driver }).db;
  if (db === undefined || typeof db.rows !== 'function') throw new Error('not a SQL store');
  return db;
}

const statement = (text: string) => ({ name: 'test', params: [], sqlite: text, postgres: text });

/** Runs statements (the same text in both dialects) on a SQL store, each in its own write transaction. */
export async function rawRun(store: unknown, ...sql: string[]): Promise<void> {
  const db = driverOf(store);
  for (const text of sql) await db.transaction((tx) => tx.run(statement(text)));
}

/** Rows of one statement on a SQL store, whichever backend it is. */
export async function rawQuery(store: unknown, sql: string): Promise<Record<string, unknown>[]> {
  return driverOf(store).rows(statement(sql));
}
