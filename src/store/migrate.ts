import type { Driver, Sql } from './driver.js';
import { MIGRATIONS, MIGRATIONS_TABLE, migrationVersion, refuseNewerSchema, type Migration } from './migrations/index.js';
import { StoreError, type MigrationReport } from './types.js';

const statement = (name: string, text: string): Sql => ({ name, params: [], sqlite: text, postgres: text });

const ensureTable = statement('ensureMigrationsTable', `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`);
const tableExists = {
  name: 'migrationsTableExists', params: [],
  sqlite: `SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '${MIGRATIONS_TABLE}'`,
  postgres: `SELECT COUNT(*) AS n FROM pg_tables WHERE tablename = '${MIGRATIONS_TABLE}' AND schemaname = current_schema()`,
} as const;
const appliedSql = statement('appliedMigrations', `SELECT id, applied_at FROM ${MIGRATIONS_TABLE} ORDER BY id`);
const recordSql = {
  name: 'recordMigration', params: ['id', 'at'],
  sqlite: `INSERT INTO ${MIGRATIONS_TABLE} (id, applied_at) VALUES (@id, @at)`,
  postgres: `INSERT INTO ${MIGRATIONS_TABLE} (id, applied_at) VALUES ($1, $2)`,
} as const;

/** The migrations applied to the database (none when it has no schema yet); reads only. */
export async function appliedMigrations(db: Driver): Promise<{ id: string; appliedAt: number }[]> {
  if (Number((await db.rows(tableExists))[0].n) === 0) return [];
  return (await db.rows(appliedSql)).map((r) => ({ id: String(r.id), appliedAt: Number(r.applied_at) }));
}

/**
 * Applies every pending migration in order, all in ONE write transaction together with their rows
 * in schema_migrations (both dialects' DDL is transactional): a crash or a failing step leaves the
 * schema as it was. Two processes racing serialise on the write lock; the second finds nothing to
 * do. A database that a newer kmswatch migrated is refused before anything is applied
 * (STORE_SCHEMA_NEWER).
 */
export async function migrate(db: Driver, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  const label = db.dialect === 'sqlite' ? `SQLite database ${db.location}` : 'PostgreSQL database';
  const applied = await db.transaction(async (tx) => {
    await tx.run(ensureTable);
    const done = new Set((await tx.rows(appliedSql)).map((r) => String(r.id)));
    refuseNewerSchema([...done], migrations, label);
    const now: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      for (const [i, text] of migration[db.dialect].entries()) {
        try {
          await tx.run(statement(`${migration.id}#${i + 1}`, text));
        } catch (err) {
          throw new StoreError(`migration ${migration.id}, statement ${i + 1} failed on ${label}: ${(err as Error).message}`, 'STORE_MIGRATE', { cause: err });
        }
      }
      await tx.run(recordSql, { id: migration.id, at: Date.now() });
      now.push(migration.id);
    }
    return now;
  });
  const current = (await appliedMigrations(db)).reduce((max, m) => Math.max(max, migrationVersion(m.id)), 0);
  return { applied, current };
}
