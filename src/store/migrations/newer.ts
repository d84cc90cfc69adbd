import { StoreError } from '../types.js';
import { migrationVersion, type Migration } from './types.js';

/** The newest schema version in `migrations`: what this kmswatch can create and read. */
export function newestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, migrationVersion(m.id)), 0);
}

/**
 * Applied migration ids this kmswatch does not know, numbered above the newest it knows: a newer
 * kmswatch changed the schema, and this one would read and write it as if it had not.
 */
export function unknownNewerMigrations(appliedIds: readonly string[], migrations: readonly Migration[]): string[] {
  const known = new Set(migrations.map((m) => m.id));
  const newest = newestVersion(migrations);
  return appliedIds.filter((id) => !known.has(id) && migrationVersion(id) > newest).sort();
}

/** Throws STORE_SCHEMA_NEWER, naming both versions, when the database was migrated by a newer kmswatch. */
export function refuseNewerSchema(appliedIds: readonly string[], migrations: readonly Migration[], where: string): void {
  const newer = unknownNewerMigrations(appliedIds, migrations);
  if (newer.length === 0) return;
  const version = Math.max(...newer.map(migrationVersion));
  throw new StoreError(
    `${where} has schema version ${version} (migration${newer.length === 1 ? '' : 's'} ${newer.join(', ')}), newer than version ${newestVersion(migrations)}, the newest this kmswatch knows: ` +
      'a newer kmswatch wrote it; use that version (or a newer one) with this database',
    'STORE_SCHEMA_NEWER',
  );
}
