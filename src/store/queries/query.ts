import type { KmsApplication } from '../../kms/types.js';

/** A row as a driver returns it: SQLite gives numbers, pg gives BIGINT/COUNT as strings. */
export type RawRow = Record<string, unknown>;

/**
 * One store query: the SQL of each dialect side by side and one row mapper for both.
 * SQLite binds named parameters (`@at`); PostgreSQL binds `$1..$n` in the order of `params`.
 */
export interface Query<Row> {
  readonly name: string;
  readonly params: readonly string[];
  readonly sqlite: string;
  readonly postgres: string;
  mapRow(raw: RawRow): Row;
}

export function defineQuery<Row>(query: Query<Row>): Query<Row> {
  return query;
}

export function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value !== '') return Number(value);
  throw new TypeError(`expected a number, got ${value === null ? 'null' : typeof value}`);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  throw new TypeError(`expected a string, got ${value === null ? 'null' : typeof value}`);
}

export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : str(value);
}

/** SQLite stores booleans as 0/1, PostgreSQL as boolean. */
export function bool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return num(value) !== 0;
}

export function application(value: unknown): KmsApplication {
  const text = str(value);
  if (text === 'Windows' || text === 'Office 2010' || text === 'Office' || text === 'Unknown') return text;
  throw new TypeError(`unknown application ${JSON.stringify(text)}`);
}
