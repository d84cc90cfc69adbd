import type { Store } from '../store/types.js';
import type { CliContext, StoreOpenOptions } from './context.js';

/**
 * Opens the store for one command and always closes it. `create: false` (commands that read and
 * evaluate, never ingest) refuses to make a new SQLite file out of a mistyped --db; `readOnly`
 * (commands that only read) opens it for reading, never migrating it.
 */
export async function withStore<T>(ctx: CliContext, url: string | undefined, work: (store: Store) => Promise<T>, options: StoreOpenOptions = {}): Promise<T> {
  const store = await ctx.openStore(url, options);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** The real store: --db, else KMSWATCH_DB, else ./kmswatch.db (src/store/index.ts). */
export async function openConfiguredStore(url: string | undefined, env: Record<string, string | undefined>, options: StoreOpenOptions = {}): Promise<Store> {
  // Loaded on use so that commands without a database (help, evtx tools) start without it.
  const { openStore } = await import('../store/index.js');
  return openStore(url ?? (env.KMSWATCH_DB || './kmswatch.db'), options);
}
