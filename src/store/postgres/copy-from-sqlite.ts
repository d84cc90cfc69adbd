import Database from 'better-sqlite3';
import { SqliteStore } from '../sqlite/store.js';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pgCopy from 'pg-copy-streams';
import { MIGRATIONS, MIGRATIONS_TABLE } from '../migrations/index.js';
import { WINDOW_DAYS_BACKFILL } from '../migrations/0700-postgres-window-days.js';
import { StoreError } from '../types.js';
import { copyTextValue } from './copy-text.js';
import { inTransaction, redactUrl, storeError, type PgClient } from './driver.js';
import { openPostgresStore } from './index.js';

/**
 * `kmswatch db copy`: moves a SQLite store into an empty PostgreSQL one. Rows are copied as stored
 * (dedup keys, epochs, checkpoints, log clears, lookup ids and summaries: nothing is re-derived
 * but window_days, which SQLite does not have; ids are kept and the sequences moved past them), table by table in id order
 * so "latest" ties keep resolving the same way, all in ONE transaction: a failed copy leaves the
 * target empty and can simply be run again.
 */
export const COPIED_TABLES = [
  'strings', 'products', 'requests', 'request_hosts', 'client_summary', 'host_events', 'client_events', 'anomalies',
  'checkpoints', 'log_clears', 'alert_states', 'meta', 'log_spans',
] as const;

export interface CopyTableResult {
  table: string;
  rows: number;
}

export interface CopyProgress {
  (table: string, rows: number): void;
}

const CHUNK_ROWS = 5000;

/** Tables whose `id` is a BIGSERIAL. */
const SERIAL_TABLES: ReadonlySet<string> = new Set(['strings', 'products', 'requests', 'host_events', 'client_events', 'anomalies', 'log_clears']);

/**
 * A SQLite writer folds client_summary in memory and writes it at the end (sqlite/summary-sync.ts);
 * one that died first left it behind its requests. Opening the store brings it up to date; a
 * database this process cannot write is checked below instead.
 */
function bringSummaryUpToDate(sqlitePath: string): void {
  let store: SqliteStore | undefined;
  try {
    store = SqliteStore.open(sqlitePath);
    store.syncSummary();
  } catch {
    // read-only or not a kmswatch database: checkSourceSchema and checkSummaryCurrent say which
  } finally {
    store?.closeSync();
  }
}

function checkSummaryCurrent(source: Database.Database, sqlitePath: string): void {
  const hasMark = source.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'summary_mark'`).get() !== undefined;
  if (!hasMark) return;
  const behind = () => {
    const upto = source.prepare('SELECT upto FROM summary_mark').pluck().get() as number | undefined;
    const maxId = source.prepare('SELECT COALESCE(MAX(id), 0) FROM requests').pluck().get() as number;
    return upto !== undefined && upto < maxId;
  };
  if (behind()) bringSummaryUpToDate(sqlitePath);
  if (behind()) {
    throw new StoreError(`${sqlitePath}: its client summary is behind its requests and the file cannot be written to bring it up to date; copy it somewhere writable first`, 'STORE_OPEN');
  }
}

export async function copySqliteToPostgres(sqlitePath: string, postgresUrl: string, progress?: CopyProgress): Promise<CopyTableResult[]> {
  let source: Database.Database;
  try {
    source = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new StoreError(`cannot open SQLite store ${sqlitePath}: ${(err as Error).message}`, 'STORE_OPEN', { cause: err });
  }
  try {
    checkSourceSchema(source, sqlitePath);
    checkSummaryCurrent(source, sqlitePath);
    const target = await openPostgresStore(postgresUrl);
    try {
      return await inTransaction(target.pool, async (client) => {
        const results: CopyTableResult[] = [];
        for (const table of COPIED_TABLES) {
          const columns = await sharedColumns(source, client, table);
          if (columns === null) continue;
          await refuseNonEmpty(client, table, postgresUrl);
          const rows = await copyTable(source, client, table, columns, (n) => progress?.(table, n));
          if (SERIAL_TABLES.has(table)) await advanceSequence(client, table);
          results.push({ table, rows });
        }
        // derived from the requests, as the migration that added it derives it
        await refuseNonEmpty(client, 'window_days', postgresUrl);
        const days = await client.query(WINDOW_DAYS_BACKFILL);
        results.push({ table: 'window_days', rows: days.rowCount ?? 0 });
        return results;
      });
    } catch (err) {
      throw storeError(`copying ${sqlitePath} to ${redactUrl(postgresUrl)}`, 'STORE_WRITE', err);
    } finally {
      await target.close();
    }
  } finally {
    source.close();
  }
}

/** The source must be a kmswatch store whose every migration this version knows. */
function checkSourceSchema(db: Database.Database, path: string): void {
  const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(MIGRATIONS_TABLE);
  if (!hasTable) throw new StoreError(`${path} is not a kmswatch store (no ${MIGRATIONS_TABLE} table)`, 'STORE_OPEN');
  const known = new Set(MIGRATIONS.map((m) => m.id));
  const applied = (db.prepare(`SELECT id FROM ${MIGRATIONS_TABLE}`).all() as { id: string }[]).map((r) => r.id);
  const unknown = applied.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new StoreError(`${path} has migrations this kmswatch does not know (${unknown.join(', ')}): upgrade kmswatch first`, 'STORE_MIGRATE');
  }
  const pending = MIGRATIONS.filter((m) => !applied.includes(m.id)).map((m) => m.id);
  if (pending.some((id) => id.startsWith('0001'))) throw new StoreError(`${path} has no kmswatch schema yet`, 'STORE_OPEN');
}

/** The next generated id of `table` follows the copied ones. */
async function advanceSequence(client: PgClient, table: string): Promise<void> {
  await client.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM ${table}`, [table]);
}

/** Columns both sides have (ids included: summaries and lookups refer to them), or null when either side lacks the table. */
async function sharedColumns(source: Database.Database, client: PgClient, table: string): Promise<string[] | null> {
  const sourceColumns = (source.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name);
  if (sourceColumns.length === 0) return null;
  const res = await client.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`,
    [table],
  );
  if (res.rows.length === 0) return null;
  const targetColumns = new Set(res.rows.map((r) => r.column_name));
  return sourceColumns.filter((c) => targetColumns.has(c));
}

async function refuseNonEmpty(client: PgClient, table: string, url: string): Promise<void> {
  const res = await client.query(`SELECT EXISTS (SELECT 1 FROM ${table}) AS taken`);
  if (res.rows[0]?.taken) {
    throw new StoreError(`${redactUrl(url)}: table ${table} is not empty; db copy only fills an empty store`, 'STORE_WRITE');
  }
}

async function copyTable(source: Database.Database, client: PgClient, table: string, columns: string[], onRows: (n: number) => void): Promise<number> {
  const hasId = (source.prepare(`SELECT 1 FROM pragma_table_info(?) WHERE name = 'id'`).get(table) as unknown) !== undefined;
  // WITHOUT ROWID tables (client_summary) have no rowid: their order does not matter
  const withoutRowid = (source.prepare(`SELECT 1 FROM sqlite_master WHERE name = ? AND sql LIKE '%WITHOUT ROWID%'`).get(table) as unknown) !== undefined;
  const order = hasId ? ' ORDER BY id' : withoutRowid ? '' : ' ORDER BY rowid';
  const select = source.prepare(`SELECT ${columns.join(', ')} FROM ${table}${order}`).raw(true);
  let rows = 0;
  function* lines(): Generator<string> {
    let chunk = '';
    let inChunk = 0;
    for (const row of select.iterate() as Iterable<unknown[]>) {
      chunk += row.map(copyTextValue).join('\t') + '\n';
      rows++;
      if (++inChunk === CHUNK_ROWS) {
        yield chunk;
        onRows(rows);
        chunk = '';
        inChunk = 0;
      }
    }
    if (chunk !== '') yield chunk;
    onRows(rows);
  }
  const copy = client.query(pgCopy.from(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(lines()), copy);
  return rows;
}
