import pg from 'pg';
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

export function createPool(url: string, options: { max?: number } = {}): PgPool {
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
    options: '-c jit=off -c max_parallel_workers_per_gather=0 -c work_mem=64MB',
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
