/**
 * One schema step. Both backends apply the same list in order; each keeps its own DDL side by side
 * so a change to the schema is made for both dialects at once.
 */
export interface Migration {
  /** `NNNN-<what>`; the number orders the list and is the schema version. */
  id: string;
  sqlite: string[];
  postgres: string[];
}

/** The numeric version of a migration id (`0003-foo` → 3). */
export function migrationVersion(id: string): number {
  const n = Number.parseInt(id.slice(0, 4), 10);
  return Number.isFinite(n) ? n : 0;
}
