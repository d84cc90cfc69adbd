import type Database from 'better-sqlite3';
import { MIGRATIONS, MIGRATIONS_TABLE, migrationVersion, refuseNewerSchema, type Migration } from '../migrations/index.js';
import { StoreError, type MigrationReport } from '../types.js';

/**
 * Applies pending migrations in order, each in its own IMMEDIATE transaction together with its
 * row in schema_migrations, so a crash leaves the schema at a whole version. Re-running applies
 * nothing; two processes racing serialise on the write lock and the loser sees the id recorded.
 * A database that a newer kmswatch migrated is refused before anything is applied (STORE_SCHEMA_NEWER).
 */
export function migrateSqlite(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): MigrationReport {
  db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`);
  const isApplied = db.prepare(`SELECT 1 FROM ${MIGRATIONS_TABLE} WHERE id = ?`);
  const record = db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (id, applied_at) VALUES (?, ?)`);
  const appliedIds = () => (db.prepare(`SELECT id FROM ${MIGRATIONS_TABLE}`).all() as { id: string }[]).map((r) => r.id);
  refuseNewerSchema(appliedIds(), migrations, `SQLite database ${db.name}`);
  const applied: string[] = [];

  for (const migration of migrations) {
    const apply = db.transaction(() => {
      if (isApplied.get(migration.id) !== undefined) return false;
      for (const statement of migration.sqlite) db.exec(statement);
      record.run(migration.id, Date.now());
      return true;
    });
    try {
      if (apply.immediate()) applied.push(migration.id);
    } catch (err) {
      throw new StoreError(`migration ${migration.id} failed: ${(err as Error).message}`, 'STORE_MIGRATE', { cause: err });
    }
  }

  const current = appliedIds().reduce((max, id) => Math.max(max, migrationVersion(id)), 0);
  return { applied, current };
}
