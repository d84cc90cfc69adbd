import { StoreError } from '../types.js';
import { migrationVersion, type Migration } from './types.js';

/** The migrations of `migrations` that `appliedIds` lacks, in order: what `kmswatch db migrate` would apply. */
export function pendingMigrations(appliedIds: readonly string[], migrations: readonly Migration[]): string[] {
  const applied = new Set(appliedIds);
  return migrations.filter((m) => !applied.has(m.id)).map((m) => m.id);
}

/**
 * Throws STORE_SCHEMA_OLDER, naming the versions and what is missing, when the database lacks
 * migrations this kmswatch knows. A store opened read-only never applies them itself: reading an
 * older schema as if it were current would fail on a missing table, or answer wrong.
 */
export function refuseOlderSchema(appliedIds: readonly string[], migrations: readonly Migration[], where: string): void {
  const pending = pendingMigrations(appliedIds, migrations);
  if (pending.length === 0) return;
  const current = appliedIds.reduce((max, id) => Math.max(max, migrationVersion(id)), 0);
  const newest = migrations.reduce((max, m) => Math.max(max, migrationVersion(m.id)), 0);
  const schema = appliedIds.length === 0 ? 'has no kmswatch schema' : `has schema version ${current}`;
  throw new StoreError(
    `${where} ${schema}, older than version ${newest} of this kmswatch (pending migration${pending.length === 1 ? '' : 's'} ${pending.join(', ')}): ` +
      'commands that only read never change the database; run `kmswatch db migrate` with the same --db (or KMSWATCH_DB) first',
    'STORE_SCHEMA_OLDER',
  );
}
