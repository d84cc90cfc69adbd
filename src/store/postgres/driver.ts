import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ALL_NEW, type Driver, type Params, type Sql } from '../driver.js';
import { copyText } from './copy-text.js';
import type { RawRow } from '../queries/query.js';
import { StoreError } from '../types.js';

/**
 * The narrow slice of node-postgres the backend uses: a pool of connections whose 64-bit integer
 * and numeric results come back as JavaScript numbers. Epoch milliseconds, record ids and counts
 * all stay far below 2^53, so the conversion is exact; pg's default (strings) would leak into
 * every row mapper.
 */
export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

const numberTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** `postgres://` and `postgresql://` URLs are ours; anything else is a SQLite path. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Removes the password from a URL for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}

export function createPool(url: string, options: { max?: number; readOnly?: boolean } = {}): PgPool {
  if (!isPostgresUrl(url)) {
    throw new StoreError(`not a PostgreSQL URL: ${redactUrl(url)} (expected postgres://user@host:port/db)`, 'STORE_URL');
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    types: numberTypes,
    application_name: 'kmswatch',
    // The report's queries read a few hundred thousand summary rows, which the planner prices high
    // enough to JIT-compile them and to split over parallel workers: compiling took longer
    // (≈ 1.8 s at 10 M requests) than running, and the workers repeated the small scans they share.
    // The summary queries' sorts and hashes (200 k rows at 10 M requests) also spilled to disk at
    // the default work_mem of 4 MB: 64 MB per sort keeps them in memory (overview, products and
    // totals ≈ 0.4 s faster in all). Session settings any role may make.
    options: `-c jit=off -c max_parallel_workers_per_gather=0 -c work_mem=64MB${options.readOnly ? ' -c default_transaction_read_only=on' : ''}`,
  });
  // An idle connection that dies (server restart) must not crash the process; the next query
  // gets a fresh connection and reports its own error.
  pool.on('error', () => undefined);
  return pool;
}

/** Wraps a pg error in a StoreError that names what failed and keeps the SQLSTATE via `cause`. */
export function storeError(what: string, code: StoreError['code'], cause: unknown): StoreError {
  if (cause instanceof StoreError) return cause;
  const pgCode = (cause as { code?: unknown } | null)?.code;
  const detail = cause instanceof Error ? cause.message : String(cause);
  const state = typeof pgCode === 'string' ? ` [SQLSTATE ${pgCode}]` : '';
  return new StoreError(`${what}: ${detail}${state}`, code, { cause });
}

/**
 * Runs fn inside BEGIN … COMMIT on one pooled connection; rolls back on any error. `begin` may
 * replace the BEGIN statement (to add SET LOCAL settings in the same round trip).
 */
export async function inTransaction<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Key of the transaction-level advisory lock every write transaction holds: one writer at a time
 * changes the store, so a batch sees every earlier batch and its new request ids follow the
 * highest stored one. The ASCII bytes of "kmswrite" read as a big-endian 64-bit integer.
 */
export const WRITE_LOCK_KEY = '7740970291377566821';

/** A pool (or, inside a transaction, one of its connections) behind the Driver interface. */
export class PostgresDriver implements Driver {
  readonly dialect = 'postgres' as const;
  private readonly names: Map<string, string>;

  constructor(
    private readonly pool: PgPool,
    readonly location: string,
    readonly readOnly: boolean,
    private readonly client: PgClient | null = null,
    names?: Map<string, string>,
  ) {
    this.names = names ?? new Map();
  }

  private statementName(sql: Sql): string {
    let name = this.names.get(sql.postgres);
    if (name === undefined) this.names.set(sql.postgres, (name = `kmswatch_${this.names.size}_${sql.name}`.slice(0, 63)));
    return name;
  }

  private query(sql: Sql, params: Params, rowMode?: 'array'): Promise<pg.QueryResult> {
    const values = sql.params.map((name) => {
      if (!(name in params)) throw new Error(`statement ${sql.name}: missing parameter ${name}`);
      return params[name];
    });
    const config: pg.QueryConfig & { rowMode?: 'array' } = { text: sql.postgres, values };
    // statements with parameters are prepared once per connection, each text under its own name
    if (values.length > 0) config.name = this.statementName(sql);
    if (rowMode) config.rowMode = rowMode;
    return (this.client ?? this.pool).query(config);
  }

  async rows(sql: Sql, params: Params = {}): Promise<RawRow[]> {
    try {
      return (await this.query(sql, params)).rows as RawRow[];
    } catch (err) {
      throw this.error(`query ${sql.name}`, err);
    }
  }

  async arrays(sql: Sql, params: Params = {}): Promise<unknown[][]> {
    try {
      return (await this.query(sql, params, 'array')).rows as unknown[][];
    } catch (err) {
      throw this.error(`query ${sql.name}`, err);
    }
  }

  async run(sql: Sql, params: Params = {}): Promise<number> {
    try {
      return (await this.query(sql, params)).rowCount ?? 0;
    } catch (err) {
      throw this.error(`statement ${sql.name}`, err);
    }
  }

  /**
   * Rows go in by COPY (text format), which is 2.5 times as fast as a bound INSERT of the same
   * rows (50,000 requests: 0.28 s against 0.7 s as unnest() arrays): straight into the table when
   * they are all new (ALL_NEW), else into a temporary table of the connection and from there by
   * one INSERT … SELECT with `onConflict` (a 50,000-row client_summary upsert: 0.35 s against 0.65 s).
   */
  async insert(table: string, columns: readonly string[], rows: readonly unknown[][], onConflict = ''): Promise<number> {
    if (rows.length === 0) return 0;
    const client = this.client;
    if (client === null) throw new StoreError(`inserting into ${table} outside a transaction`, 'STORE_WRITE');
    const list = columns.join(', ');
    const copy = async (into: string): Promise<number> => {
      const stream = client.query(copyFrom(`COPY ${into} (${list}) FROM STDIN`));
      await pipeline(Readable.from([copyText(rows)]), stream);
      return stream.rowCount ?? 0;
    };
    try {
      if (onConflict === ALL_NEW) return await copy(table);
      const stage = `kmswatch_stage_${table}`;
      await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${stage} ON COMMIT DELETE ROWS AS SELECT ${list} FROM ${table} WITH NO DATA`);
      await copy(stage);
      const res = await client.query(`INSERT INTO ${table} (${list}) SELECT ${list} FROM ${stage} ${onConflict}`);
      await client.query(`TRUNCATE ${stage}`);
      return res.rowCount ?? 0;
    } catch (err) {
      throw this.error(`inserting into ${table}`, err);
    }
  }

  list(values: readonly unknown[]): unknown {
    return values;
  }

  async transaction<T>(work: (tx: Driver) => Promise<T>): Promise<T> {
    if (this.readOnly) throw new StoreError(`${this.location} is open read-only`, 'STORE_READ_ONLY');
    try {
      // the statements of a batch do the same small work per row, which JIT compilation never pays back
      return await inTransaction(this.pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [WRITE_LOCK_KEY]);
        return work(new PostgresDriver(this.pool, this.location, false, client, this.names));
      }, "BEGIN; SET LOCAL work_mem = '64MB'; SET LOCAL jit = off");
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw this.error('a write transaction', err);
    }
  }

  private error(what: string, err: unknown): StoreError {
    const code = String((err as { code?: unknown } | null)?.code);
    return storeError(`${what} failed on ${this.location}`, code === '25006' || code === '42501' ? 'STORE_READ_ONLY' : 'STORE_QUERY', err);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
