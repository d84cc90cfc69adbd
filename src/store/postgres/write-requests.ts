import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pgCopy from 'pg-copy-streams';
import type { KmsRecord } from '../../kms/types.js';
import { REQUEST_HOSTS_CONFLICT } from '../queries/summary.js';
import { StoreError } from '../types.js';
import { CopyValueError } from './copy-text.js';
import type { PgClient } from './driver.js';
import type { RequestColumns } from './request-columns.js';
import { requestCopyRows } from './request-copy.js';
import type { ReservedIds } from './request-ids.js';
import { ClientFold } from './summary-fold.js';
import { appendWindowDays } from './window-days.js';

/**
 * Columns of the binary COPYs and their types (migration 0001): binary COPY data must match each
 * column's type exactly, so checkCopyColumns() compares these with the live schema once per store.
 */
type CopyType = 'int8' | 'int4' | 'bool' | 'text';

export const REQUEST_COPY: readonly (readonly [string, CopyType])[] = [
  ['id', 'int8'], ['host_id', 'int8'], ['second', 'int8'], ['channel_id', 'int8'], ['rec', 'int8'], ['time', 'int8'],
  ['epoch', 'int4'], ['host_name_id', 'int8'], ['source_id', 'int8'], ['result', 'int8'], ['result_hex_id', 'int8'],
  ['minimum_count', 'int4'], ['machine_id', 'int8'], ['machine_key_id', 'int8'], ['cmid_id', 'int8'], ['product_id', 'int8'],
  ['client_time_text', 'text'], ['client_time', 'int8'], ['is_vm', 'bool'], ['license_state', 'int4'], ['minutes_left', 'int8'],
];

export const CLIENT_SUMMARY_COPY: readonly (readonly [string, CopyType])[] = [
  ['cmid_id', 'int8'], ['product_id', 'int8'], ['host_id', 'int8'], ['machine_key_id', 'int8'], ['minimum_count', 'int4'],
  ['requests', 'int8'], ['first_seen', 'int8'], ['first_id', 'int8'], ['first_machine_id', 'int8'], ['last_seen', 'int8'],
  ['last_rec', 'int8'], ['last_id', 'int8'], ['machine_id', 'int8'], ['result', 'int8'], ['license_state', 'int4'],
  ['minutes_left', 'int8'], ['is_vm', 'bool'], ['last_ok', 'int8'],
];

const names = (spec: readonly (readonly [string, CopyType])[]): string => spec.map(([n]) => n).join(', ');

/** Staging table of the client_summary deltas (temporary, emptied at each COMMIT). */
export const SUMMARY_STAGING = 'kmswatch_stage_client_summary';
export const SUMMARY_STAGING_DDL = `CREATE TEMP TABLE IF NOT EXISTS ${SUMMARY_STAGING} ON COMMIT DELETE ROWS AS
  SELECT ${names(CLIENT_SUMMARY_COPY)} FROM client_summary WITH NO DATA`;

/** Rows per COPY chunk: the server works on one chunk while the next is encoded. */
const CHUNK_ROWS = 2000;

/** Refuses to write when the tables' column types are not the ones the binary COPYs send. */
export async function checkCopyColumns(client: PgClient): Promise<void> {
  for (const [table, spec] of [['requests', REQUEST_COPY], ['client_summary', CLIENT_SUMMARY_COPY]] as const) {
    const res = await client.query<{ name: string; type: string }>(
      `SELECT attname AS name, typname AS type FROM pg_attribute JOIN pg_type t ON t.oid = atttypid
        WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
      [table],
    );
    const live = new Map(res.rows.map((r) => [r.name, r.type]));
    const wrong = spec.filter(([name, type]) => live.get(name) !== type).map(([name, type]) => `${name} is ${live.get(name) ?? 'missing'}, expected ${type}`);
    if (wrong.length > 0) throw new StoreError(`${table}: the schema is not the one this kmswatch writes (${wrong.join('; ')})`, 'STORE_WRITE');
  }
}

/**
 * Stores the rows `fresh` of `cols` (new, in batch order: see new-requests.ts) with one binary
 * COPY straight into `requests`, then appends the successful ones to their days' window_days rows
 * (window-days.ts) and counts them into request_hosts. Returns the rows' client_summary fold (one
 * delta row per changed client), which the writer upserts later (summary-pending.ts), or null
 * when nothing was new.
 */
export async function writeRequests(
  client: PgClient,
  records: readonly KmsRecord[],
  cols: RequestColumns,
  fresh: Int32Array,
  ids: ReservedIds,
): Promise<ClientFold | null> {
  if (fresh.length === 0) return null;
  const fold = new ClientFold(Math.min(fresh.length, 1 << 16));
  let current = -1;
  const track = (k: number): void => {
    current = k;
  };
  function* chunks(): Generator<Buffer> {
    for (let from = 0; from < fresh.length; from += CHUNK_ROWS) {
      const to = Math.min(fresh.length, from + CHUNK_ROWS);
      for (let k = from; k < to; k++) fold.add(cols, fresh[k], ids.at(k));
      yield requestCopyRows(cols, fresh, ids, from, to, from === 0, to === fresh.length, track);
    }
    current = -1;
  }
  const copy = client.query(pgCopy.from(`COPY requests (${names(REQUEST_COPY)}) FROM STDIN (FORMAT binary)`));
  try {
    await pipeline(Readable.from(chunks()), copy);
  } catch (err) {
    if (err instanceof CopyValueError && current >= 0) {
      const index = cols.record[fresh[current]];
      throw new StoreError(`record ${index} of the batch (${records[index]?.source ?? 'unknown source'}): ${err.message}`, 'STORE_WRITE', { cause: err });
    }
    throw err;
  }
  if (copy.rowCount !== fresh.length) throw new StoreError(`requests: COPY stored ${copy.rowCount} of ${fresh.length} rows`, 'STORE_WRITE');

  await appendWindowDays(client, cols, fresh);
  const hosts = [...fold.hosts].sort((a, b) => a[0] - b[0]);
  await client.query(
    `INSERT INTO request_hosts (host_id, requests, first_seen, last_seen)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS h(host_id, requests, first_seen, last_seen)
       ORDER BY host_id
     ${REQUEST_HOSTS_CONFLICT}`,
    [hosts.map(([h]) => h), hosts.map(([, d]) => d.requests), hosts.map(([, d]) => d.firstSeen), hosts.map(([, d]) => d.lastSeen)],
  );
  return fold;
}
