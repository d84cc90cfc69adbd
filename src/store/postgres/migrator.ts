import { MIGRATIONS, MIGRATIONS_TABLE, migrationVersion, refuseNewerSchema, unknownNewerMigrations, type Migration } from '../migrations/index.js';
import type { MigrationReport } from '../types.js';
import { inTransaction, storeError, type PgClient, type PgPool } from './driver.js';

/**
 * Key of the transaction-level advisory lock that serialises migrations: several collectors
 * starting at once against a fresh database must not race to create the same tables. The key is the
 * ASCII bytes of "kmswatch" read as a big-endian 64-bit integer.
 */
export const MIGRATION_LOCK_KEY = '7740970291093070696';

export interface MigrationStatus {
  applied: { id: string; appliedAt: number }[];
  pending: string[];
  current: number;
  /** Applied migrations this kmswatch does not know, numbered above its newest: a newer kmswatch wrote them. */
  newer: string[];
}

/**
 * Applies every pending migration in ONE transaction under pg_advisory_xact_lock: all steps or
 * none (PostgreSQL DDL is transactional), and a second process waits, then finds nothing to do.
 * A database that a newer kmswatch migrated is refused before anything is applied (STORE_SCHEMA_NEWER).
 */
export async function migratePostgres(pool: PgPool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  try {
    return await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await ensureMigrationsTable(client);
      const done = new Set((await appliedMigrations(client)).map((m) => m.id));
      refuseNewerSchema([...done], migrations, 'PostgreSQL database');
      const applied: string[] = [];
      for (const migration of migrations) {
        if (done.has(migration.id)) continue;
        for (const [i, sql] of migration.postgres.entries()) {
          try {
            await client.query(sql);
          } catch (err) {
            throw storeError(`migration ${migration.id}, statement ${i + 1}`, 'STORE_MIGRATE', err);
          }
        }
        await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (id, applied_at) VALUES ($1, $2)`, [migration.id, Date.now()]);
        applied.push(migration.id);
      }
      return { applied, current: currentVersion([...done, ...applied]) };
    });
  } catch (err) {
    throw storeError('PostgreSQL migration failed', 'STORE_MIGRATE', err);
  }
}

/** What is applied and what is pending, without changing anything. */
export async function postgresMigrationStatus(pool: PgPool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationStatus> {
  try {
    const client = await pool.connect();
    try {
      const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [MIGRATIONS_TABLE]);
      const applied = exists.rows[0]?.t ? await appliedMigrations(client) : [];
      const ids = new Set(applied.map((m) => m.id));
      return {
        applied,
        pending: migrations.filter((m) => !ids.has(m.id)).map((m) => m.id),
        current: currentVersion([...ids]),
        newer: unknownNewerMigrations([...ids], migrations),
      };
    } finally {
      client.release();
    }
  } catch (err) {
    throw storeError('reading PostgreSQL migration status', 'STORE_QUERY', err);
  }
}

async function ensureMigrationsTable(client: PgClient): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`);
}

async function appliedMigrations(client: PgClient): Promise<{ id: string; appliedAt: number }[]> {
  const res = await client.query<{ id: string; applied_at: number }>(`SELECT id, applied_at FROM ${MIGRATIONS_TABLE} ORDER BY id`);
  return res.rows.map((r) => ({ id: r.id, appliedAt: r.applied_at }));
}

function currentVersion(ids: readonly string[]): number {
  return ids.reduce((max, id) => Math.max(max, migrationVersion(id)), 0);
}
