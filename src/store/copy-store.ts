import { ALL_NEW, type Driver, type Sql } from './driver.js';
import { openPostgresStore } from './postgres/index.js';
import { openSqliteStore } from './sqlite/index.js';
import { StoreError } from './types.js';

/**
 * `kmswatch db copy`: moves a SQLite store into an empty PostgreSQL one. Rows are copied as stored
 * (ids, dedup keys, epochs, checkpoints, log clears, summaries: nothing is re-derived), table by
 * table in id order so "latest" ties keep resolving the same way, all in ONE transaction: a failed
 * copy leaves the target empty and can simply be run again. The source is opened read-only and
 * must be at this kmswatch's schema (`kmswatch db migrate` first).
 */
export const COPIED_TABLES = [
  'strings', 'products', 'requests', 'request_hosts', 'client_summary', 'host_events', 'client_events', 'anomalies',
  'checkpoints', 'log_clears', 'alert_states', 'meta', 'log_spans', 'damaged_records', 'activity_spans', 'daily_activity',
  'discovery_checks', 'failure_counts',
] as const;

/** Tables whose `id` the target generates from a sequence: it is moved past the copied ids. */
const SERIAL_TABLES: ReadonlySet<string> = new Set(['strings', 'products', 'requests', 'host_events', 'client_events', 'anomalies', 'log_clears']);
/** Tables without a rowid to page by (SQLite WITHOUT ROWID); read by their key. */
const KEYED: Record<string, string> = {
  client_summary: 'cmid_id, product_id, host_id, machine_key_id, minimum_count',
  activity_spans: 'host_id, application, cmid_id, start',
  daily_activity: 'host_id, application, day',
  failure_counts: 'host_id, result',
};
const CHUNK_ROWS = 5000;

export interface CopyTableResult {
  table: string;
  rows: number;
}

export type CopyProgress = (table: string, rows: number) => void;

const text = (name: string, sqlite: string, postgres = sqlite, params: string[] = []): Sql => ({ name, params, sqlite, postgres });

export async function copySqliteToPostgres(sqlitePath: string, postgresUrl: string, progress?: CopyProgress): Promise<CopyTableResult[]> {
  const source = await openSqliteStore(sqlitePath, { readOnly: true });
  try {
    const target = await openPostgresStore(postgresUrl);
    try {
      return await target.db.transaction(async (tx) => {
        const results: CopyTableResult[] = [];
        for (const table of COPIED_TABLES) {
          const columns = await sharedColumns(source.db, tx, table);
          if (columns.length === 0) continue;
          const taken = await tx.rows(text(`copyTaken_${table}`, '', `SELECT EXISTS (SELECT 1 FROM ${table}) AS taken`));
          if (taken[0]?.taken) throw new StoreError(`${tx.location}: table ${table} is not empty; db copy only fills an empty store`, 'STORE_WRITE');
          const rows = await copyTable(source.db, tx, table, columns, (n) => progress?.(table, n));
          if (SERIAL_TABLES.has(table)) {
            await tx.rows(text(`copySequence_${table}`, '', `SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM ${table}`));
          }
          results.push({ table, rows });
        }
        return results;
      });
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** Columns both sides have, in the source's order (none when either side lacks the table). */
async function sharedColumns(source: Driver, target: Driver, table: string): Promise<string[]> {
  const from = await source.rows(text(`copyColumns_${table}`, `SELECT name FROM pragma_table_info('${table}')`));
  const to = await target.rows(text(`copyColumns_${table}`, '', `SELECT column_name AS name FROM information_schema.columns
      WHERE table_name = '${table}' AND table_schema = current_schema()`));
  const present = new Set(to.map((r) => String(r.name)));
  return from.map((r) => String(r.name)).filter((c) => present.has(c));
}

async function copyTable(source: Driver, target: Driver, table: string, columns: string[], onRows: (n: number) => void): Promise<number> {
  const keyed = KEYED[table];
  // pages by rowid (id order where there is an id), or by the key of a WITHOUT ROWID table
  const page = keyed === undefined
    ? text(`copyPage_${table}`, `SELECT rowid AS kmswatch_page, ${columns.join(', ')} FROM ${table} WHERE rowid > @after ORDER BY rowid LIMIT ${CHUNK_ROWS}`, '', ['after'])
    : text(`copyPage_${table}`, `SELECT 0 AS kmswatch_page, ${columns.join(', ')} FROM ${table} ORDER BY ${keyed} LIMIT ${CHUNK_ROWS} OFFSET @after`, '', ['after']);
  let rows = 0;
  let after = 0;
  for (;;) {
    const chunk = await source.arrays(page, { after });
    if (chunk.length === 0) break;
    after = keyed === undefined ? Number(chunk[chunk.length - 1][0]) : after + chunk.length;
    rows += await target.insert(table, columns, chunk.map((r) => r.slice(1).map((v, i) => (columns[i] === 'is_vm' ? v === 1 || v === true : v))), ALL_NEW);
    onRows(rows);
  }
  return rows;
}
