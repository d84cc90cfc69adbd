import type { RawRow } from './queries/query.js';

/**
 * One SQL statement in both dialects, side by side. SQLite binds the named parameters (`@at`);
 * PostgreSQL binds `$1..$n` in the order of `params`.
 */
export interface Sql {
  readonly name: string;
  readonly params: readonly string[];
  readonly sqlite: string;
  readonly postgres: string;
}

export type Params = Record<string, unknown>;

/**
 * The narrow slice of a database the store needs (store.ts). Both backends implement it
 * (sqlite/driver.ts, postgres/driver.ts); everything above speaks only this.
 */
export interface Driver {
  readonly dialect: 'sqlite' | 'postgres';
  readonly readOnly: boolean;
  /** Where the database is, for messages (a PostgreSQL URL without its password). */
  readonly location: string;
  /** Rows of one statement as objects, or as arrays in the statement's column order. */
  rows(sql: Sql, params?: Params): Promise<RawRow[]>;
  arrays(sql: Sql, params?: Params): Promise<unknown[][]>;
  /** Runs a statement; the number of rows it changed. */
  run(sql: Sql, params?: Params): Promise<number>;
  /**
   * Inserts rows (values in `columns` order) in as few statements as the dialect allows;
   * `onConflict` is appended, or IGNORE (rows that break a unique constraint are skipped) or
   * ALL_NEW. Returns the rows inserted.
   */
  insert(table: string, columns: readonly string[], rows: readonly unknown[][], onConflict?: string): Promise<number>;
  /** A list parameter: JSON text for SQLite (json_each), an array for PostgreSQL (= ANY / unnest). */
  list(values: readonly unknown[]): unknown;
  /**
   * Runs `work` in one write transaction with the store's write lock held (SQLite: BEGIN
   * IMMEDIATE; PostgreSQL: an advisory lock), so one writer at a time changes the store; commits
   * when it returns, rolls back when it throws. Statements inside go through `tx`.
   */
  transaction<T>(work: (tx: Driver) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Driver.insert's onConflict for "skip rows whose key is taken" (SQLite INSERT OR IGNORE, PostgreSQL ON CONFLICT DO NOTHING). */
export const IGNORE = 'ON CONFLICT DO NOTHING';
/**
 * Driver.insert's onConflict for rows the caller knows to be new (a batch's requests, their keys
 * checked first): any row not inserted fails the insert. The bulk path of each dialect: SQLite
 * INSERT OR IGNORE and a count (no statement journal), PostgreSQL COPY (BENCHMARKS.md, issue 22).
 */
export const ALL_NEW = 'all new';

/** A statement whose text is the same in both dialects but for the parameter markers. */
export function sql(name: string, params: readonly string[], text: (p: Record<string, string>) => string): Sql {
  const sqlite = Object.fromEntries(params.map((p) => [p, `@${p}`]));
  const postgres = Object.fromEntries(params.map((p, i) => [p, `$${i + 1}`]));
  return { name, params, sqlite: text(sqlite), postgres: text(postgres) };
}
