import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryStore } from '../../../src/store/memory.js';
import { openPostgresStore } from '../../../src/store/postgres/index.js';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';
import type { Store } from '../../../src/store/types.js';
import { ThrowawayDatabase } from './pg-database.js';

export type BackendName = 'sqlite' | 'postgres' | 'memory';

const ALL: readonly BackendName[] = ['sqlite', 'postgres', 'memory'];

/** Backends named in BACKENDS (comma-separated), default all three. */
export function selectedBackends(): BackendName[] {
  const wanted = (process.env.BACKENDS ?? ALL.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of wanted) {
    if (!ALL.includes(name as BackendName)) throw new Error(`BACKENDS: unknown backend ${name} (known: ${ALL.join(', ')})`);
  }
  return wanted as BackendName[];
}

/** Opens fresh, empty, migrated stores of one backend; dispose() removes what they left. */
export interface BackendFactory {
  name: BackendName;
  /** A new empty store (migrations applied). */
  open(): Promise<Store>;
  /** A new empty store with NO migration applied yet (SQL backends; memory has no schema). */
  openUnmigrated(): Promise<Store>;
  dispose(): Promise<void>;
}

export async function backendFactory(name: BackendName): Promise<BackendFactory> {
  const opened: Store[] = [];
  const track = (s: Store): Store => (opened.push(s), s);
  const closeAll = async () => {
    await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
  };
  switch (name) {
    case 'memory':
      return {
        name,
        open: async () => track(createMemoryStore()),
        openUnmigrated: async () => track(createMemoryStore()),
        dispose: closeAll,
      };
    case 'sqlite': {
      const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-contract-'));
      let n = 0;
      const file = () => path.join(dir, `store-${++n}.db`);
      return {
        name,
        open: async () => track(await openSqliteStore(file())),
        openUnmigrated: async () => track(await openSqliteStore(file(), { migrate: false })),
        dispose: async () => {
          await closeAll();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    case 'postgres': {
      const db = await ThrowawayDatabase.create();
      return {
        name,
        open: async () => track(await openPostgresStore(await db.freshSchemaUrl())),
        openUnmigrated: async () => track(await openPostgresStore(await db.freshSchemaUrl(), { migrate: false })),
        dispose: async () => {
          await closeAll();
          await db.drop();
        },
      };
    }
  }
}

/**
 * Fresh store URLs of a SQL backend, for tests whose stores are opened by other processes (as
 * `--db` takes them): SQLite files in a folder of their own, schemas of a throwaway PostgreSQL
 * database. dispose() removes them.
 */
export async function freshStoreUrls(backend: 'sqlite' | 'postgres'): Promise<{ fresh(): Promise<string>; dispose(): Promise<void> }> {
  if (backend === 'postgres') {
    const db = await ThrowawayDatabase.create();
    return { fresh: () => db.freshSchemaUrl(), dispose: () => db.drop() };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-stores-'));
  let n = 0;
  return {
    fresh: async () => path.join(dir, `store-${++n}.db`),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
