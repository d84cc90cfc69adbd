import Database from 'better-sqlite3';
import { ALL_NEW, IGNORE, type Driver, type Params, type Sql } from '../driver.js';
import type { RawRow } from '../queries/query.js';
import { StoreError } from '../types.js';

export interface SqliteDriverOptions {
  readOnly?: boolean;
  /** ms to wait for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

/** Rows per multi-row INSERT: well under SQLite's 32,766 bound parameters for the widest table. */
const ROWS_PER_INSERT = 500;

/**
 * better-sqlite3 behind the Driver interface. Writers use WAL (readers and one writer at once) and
 * switch back to a rollback journal when they close as the last connection, so that a cleanly
 * closed database opens read-only in a read-only folder (WAL needs a writable -shm file there).
 */
export class SqliteDriver implements Driver {
  readonly dialect = 'sqlite' as const;
  readonly readOnly: boolean;
  private readonly statements = new Map<string, Database.Statement>();
  /** The transaction in progress: other calls wait for it (one connection, one transaction). */
  private busy: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: Database.Database, readonly location: string, readOnly: boolean) {
    this.readOnly = readOnly;
  }

  static open(location: string, options: SqliteDriverOptions = {}): SqliteDriver {
    const readOnly = options.readOnly === true;
    let db: Database.Database | undefined;
    try {
      db = new Database(location, readOnly ? { readonly: true, fileMustExist: true } : {});
      db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 10_000)}`);
      // 256 MiB of page cache (-n = n KiB) keeps client_summary and the growing ends of the indexes
      // of a 10 M-request store in memory: ingest 58 → 69 k requests/s (BENCHMARKS.md, issue 22)
      db.pragma('cache_size = -262144');
      db.pragma('temp_store = MEMORY');
      // reads map the file instead of copying each page in with a read() call: a fresh
      // connection's first overview on a 10 M-request store is about twice as fast (BENCHMARKS.md,
      // issue 25). SQLite caps the size at its MAX_MMAP_SIZE (2 GiB in better-sqlite3's build).
      if (location !== ':memory:') db.pragma('mmap_size = 2147418112');
      if (!readOnly) {
        // larger pages for a new database (no effect on an existing one): shallower B-trees
        db.pragma('page_size = 16384');
        if (location !== ':memory:') db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        // checkpoint the WAL every ~160 MB instead of ~16 MB: a bulk load copies pages fewer times
        db.pragma('wal_autocheckpoint = 10000');
      }
    } catch (err) {
      db?.close();
      throw new StoreError(`cannot open SQLite database ${location}: ${(err as Error).message}`, 'STORE_OPEN', { cause: err });
    }
    return new SqliteDriver(db, location, readOnly);
  }

  /** The better-sqlite3 handle, for tests that look at the file itself. */
  get handle(): Database.Database {
    return this.db;
  }

  private statement(text: string): Database.Statement {
    let stmt = this.statements.get(text);
    if (stmt === undefined) {
      stmt = this.db.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  private bind(sql: Sql, params: Params): Params {
    const out: Params = {};
    for (const name of sql.params) {
      if (!(name in params)) throw new Error(`statement ${sql.name}: missing parameter ${name}`);
      const v = params[name];
      out[name] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    }
    return out;
  }

  private error(what: string, err: unknown): StoreError {
    if (err instanceof StoreError) return err;
    const code = (err as { code?: string }).code === 'SQLITE_READONLY' ? 'STORE_READ_ONLY' : 'STORE_QUERY';
    return new StoreError(`${what} failed on ${this.location}: ${(err as Error).message}`, code, { cause: err });
  }

  private sync<T>(work: () => T): Promise<T> {
    const next = this.busy.then(work);
    this.busy = next.catch(() => undefined);
    return next;
  }

  rows(sql: Sql, params: Params = {}): Promise<RawRow[]> {
    return this.sync(() => this.rowsNow(sql, params));
  }

  arrays(sql: Sql, params: Params = {}): Promise<unknown[][]> {
    return this.sync(() => this.arraysNow(sql, params));
  }

  run(sql: Sql, params: Params = {}): Promise<number> {
    return this.sync(() => this.runNow(sql, params));
  }

  insert(table: string, columns: readonly string[], rows: readonly unknown[][], onConflict = ''): Promise<number> {
    return this.sync(() => this.insertNow(table, columns, rows, onConflict));
  }

  list(values: readonly unknown[]): unknown {
    return JSON.stringify(values);
  }

  private rowsNow(sql: Sql, params: Params): RawRow[] {
    try {
      const stmt = this.statement(sql.sqlite);
      return (sql.params.length === 0 ? stmt.all() : stmt.all(this.bind(sql, params))) as RawRow[];
    } catch (err) {
      throw this.error(`query ${sql.name}`, err);
    }
  }

  private arraysNow(sql: Sql, params: Params): unknown[][] {
    try {
      const stmt = this.statement(sql.sqlite).raw(true);
      try {
        return (sql.params.length === 0 ? stmt.all() : stmt.all(this.bind(sql, params))) as unknown[][];
      } finally {
        stmt.raw(false);
      }
    } catch (err) {
      throw this.error(`query ${sql.name}`, err);
    }
  }

  private runNow(sql: Sql, params: Params): number {
    try {
      const stmt = this.statement(sql.sqlite);
      return (sql.params.length === 0 ? stmt.run() : stmt.run(this.bind(sql, params))).changes;
    } catch (err) {
      throw this.error(`statement ${sql.name}`, err);
    }
  }

  private insertNow(table: string, columns: readonly string[], rows: readonly unknown[][], onConflict: string): number {
    let inserted = 0;
    const perStatement = Math.max(1, Math.min(ROWS_PER_INSERT, Math.floor(30_000 / columns.length)));
    const row = `(${columns.map(() => '?').join(', ')})`;
    // OR IGNORE: a statement that cannot abort needs no statement journal, which otherwise copies
    // every page a multi-row statement touches (ALL_NEW counts the rows instead)
    const ignore = onConflict === IGNORE || onConflict === ALL_NEW;
    const verb = ignore ? 'INSERT OR IGNORE' : 'INSERT';
    const tail = ignore ? '' : onConflict;
    try {
      for (let start = 0; start < rows.length; start += perStatement) {
        const end = Math.min(rows.length, start + perStatement);
        const text = `${verb} INTO ${table} (${columns.join(', ')}) VALUES ${new Array(end - start).fill(row).join(', ')} ${tail}`;
        const values = new Array<unknown>((end - start) * columns.length);
        let k = 0;
        for (let i = start; i < end; i++) {
          for (const v of rows[i]) values[k++] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
        }
        inserted += this.statement(text).run(values).changes;
      }
    } catch (err) {
      throw this.error(`inserting into ${table}`, err);
    }
    if (onConflict === ALL_NEW && inserted !== rows.length) {
      throw new StoreError(`${table}: ${rows.length - inserted} of ${rows.length} new rows were not inserted (a constraint refused them)`, 'STORE_WRITE');
    }
    return inserted;
  }

  async transaction<T>(work: (tx: Driver) => Promise<T>): Promise<T> {
    if (this.readOnly) throw new StoreError(`${this.location} is open read-only`, 'STORE_READ_ONLY');
    const run = async (): Promise<T> => {
      try {
        this.db.exec('BEGIN IMMEDIATE');
      } catch (err) {
        throw this.error('starting a write transaction', err);
      }
      try {
        const result = await work(this.inTransaction());
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    };
    const next = this.busy.then(run);
    this.busy = next.catch(() => undefined);
    return next;
  }

  /** The same connection, without waiting for the transaction that is running the caller. */
  private inTransaction(): Driver {
    return {
      dialect: this.dialect,
      readOnly: false,
      location: this.location,
      rows: async (sql, params = {}) => this.rowsNow(sql, params),
      arrays: async (sql, params = {}) => this.arraysNow(sql, params),
      run: async (sql, params = {}) => this.runNow(sql, params),
      insert: async (table, columns, rows, onConflict = '') => this.insertNow(table, columns, rows, onConflict),
      list: (values) => this.list(values),
      transaction: () => Promise.reject(new Error('nested transaction')),
      close: () => Promise.reject(new Error('close inside a transaction')),
    };
  }

  async close(): Promise<void> {
    await this.busy;
    if (!this.db.open) return;
    try {
      if (!this.readOnly && this.db.name !== ':memory:') {
        // back to a rollback journal if no other connection has the database open (else this
        // fails with SQLITE_BUSY and the WAL stays: the last one out switches)
        try {
          this.db.pragma('busy_timeout = 0');
          this.db.pragma('journal_mode = DELETE');
        } catch {
          /* another connection is using the WAL */
        }
      }
    } finally {
      this.db.close();
    }
  }
}
