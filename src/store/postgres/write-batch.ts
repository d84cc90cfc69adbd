import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pgCopy from 'pg-copy-streams';
import type { KmsRecord } from '../../kms/types.js';
import { checkpointId, planBatch, type BatchPlan } from '../batch-plan.js';
import {
  ANOMALY_COLUMNS,
  CLIENT_EVENT_COLUMNS,
  HOST_EVENT_COLUMNS,
  REQUEST_COLUMNS,
  writeAnomaly,
  writeClientEvent,
  writeHostEvent,
  writeNarrowRequest,
  type NarrowRequest,
  type PlannedWriter,
} from '../columns.js';
import type { DictionaryCache } from '../dictionary.js';
import { checkpointQuery } from '../queries/checkpoints.js';
import { CLIENT_SUMMARY_CONFLICT, REQUEST_HOSTS_CONFLICT } from '../queries/summary.js';
import { narrowRequests } from './request-rows.js';
import { StoreError, type Checkpoint, type WriteResult } from '../types.js';
import { CopyValueError, copyTextRows } from './copy-text.js';
import type { PgClient } from './driver.js';
import { withoutNul } from './nul.js';

/**
 * Store.writeBatch for PostgreSQL, run inside the caller's transaction:
 *
 *   1. lock every (host, channel) of the batch with a transaction-level advisory lock, in a fixed
 *      order, so concurrent collectors writing the same host serialise here (and never deadlock);
 *   2. read those checkpoints (now stable) and plan the batch with the shared planBatch();
 *   3. COPY the rows into per-connection staging tables, then
 *      `INSERT … SELECT … ORDER BY ord ON CONFLICT DO NOTHING`: the unique dedup index drops
 *      events that are already stored (by an earlier batch or by another process) and repeats
 *      inside the batch; `rowCount` is what was really inserted. Requests first get their
 *      lookup ids (request-rows.ts) and their insert returns the new rows, which the same
 *      statement folds into request_hosts and client_summary (queries/summary.ts); batches that
 *      share no (host, channel) touch disjoint summary rows (host is part of their keys);
 *   4. write the planned log clears and checkpoints.
 *
 * All or nothing: any error rolls the transaction back and nothing of the batch remains.
 */

/** Namespace (first key) of the per-(host, channel) advisory locks: "ckpt" in ASCII. */
export const CHECKPOINT_LOCK_NAMESPACE = 1667985524;

/** Rows per COPY chunk: bounds the size of each string handed to the socket. */
const COPY_CHUNK_ROWS = 2000;

interface TableSpec {
  table: string;
  columns: readonly string[];
  write: PlannedWriter;
  counter: 'requests' | 'hostEvents' | 'clientEvents' | 'anomalies';
}

type EventKind = Exclude<KmsRecord['kind'], 'request'>;

const REQUESTS = { table: 'requests', columns: REQUEST_COLUMNS };

const TABLES: Record<EventKind, TableSpec> = {
  host: { table: 'host_events', columns: HOST_EVENT_COLUMNS, write: writeHostEvent, counter: 'hostEvents' },
  client: { table: 'client_events', columns: CLIENT_EVENT_COLUMNS, write: writeClientEvent, counter: 'clientEvents' },
  anomaly: { table: 'anomalies', columns: ANOMALY_COLUMNS, write: writeAnomaly, counter: 'anomalies' },
};

const stagingName = (table: string): string => `kmswatch_stage_${table}`;

/** Connections whose staging tables exist (temporary tables live as long as the session). */
const staged = new WeakSet<PgClient>();

export async function ensureStagingTables(client: PgClient): Promise<void> {
  if (staged.has(client)) return;
  for (const spec of [REQUESTS, ...Object.values(TABLES)]) {
    // ON COMMIT DELETE ROWS empties the table at the end of each batch's transaction.
    await client.query(
      `CREATE TEMP TABLE IF NOT EXISTS ${stagingName(spec.table)} ON COMMIT DELETE ROWS AS
         SELECT 0::integer AS ord, ${spec.columns.join(', ')} FROM ${spec.table} WITH NO DATA`,
    );
  }
}

/** Call after the transaction that created the staging tables committed. */
export function markStaged(client: PgClient): void {
  staged.add(client);
}

export interface PostgresBatchResult {
  result: WriteResult;
  /** Lookup ids this batch added: merge into the shared cache once committed. */
  added: DictionaryCache | null;
}

export async function writeBatchPostgres(client: PgClient, batch: readonly KmsRecord[], now: number, ids: DictionaryCache): Promise<PostgresBatchResult> {
  const records = withoutNul(batch);
  const result: WriteResult = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };
  if (records.length === 0) return { result, added: null };
  records.forEach(validateRecord);

  await ensureStagingTables(client);
  const stored = await lockAndLoadCheckpoints(client, records);
  const plan = planBatch(records, stored, now);

  let added: DictionaryCache | null = null;
  const requests = plan.records.filter((p) => p.record.kind === 'request');
  if (requests.length > 0) {
    const narrow = await narrowRequests(client, requests, ids);
    added = narrow.added;
    result.requests = await copyAndInsertRequests(client, narrow.rows);
  }
  const byKind = groupByKind(plan);
  for (const [kind, group] of byKind) {
    const spec = TABLES[kind];
    const inserted = await copyAndInsert(client, spec, group.values, group.recordIndex, records);
    result[spec.counter] = inserted;
  }
  result.duplicates = records.length - (result.requests + result.hostEvents + result.clientEvents + result.anomalies);

  await writeLogClears(client, plan);
  await writeCheckpoints(client, plan);
  result.logClears = plan.logClears.length;
  return { result, added };
}

/** The batch's (host, channel) pairs, locked in ascending lock-key order, then their checkpoints. */
async function lockAndLoadCheckpoints(client: PgClient, records: readonly KmsRecord[]): Promise<Map<string, Checkpoint>> {
  const pairs = new Map<string, { hostKey: string; channel: string }>();
  for (const r of records) {
    const hostKey = r.host.toLowerCase();
    pairs.set(checkpointId(hostKey, r.channel), { hostKey, channel: r.channel });
  }
  const hostKeys = [...pairs.values()].map((p) => p.hostKey);
  const channels = [...pairs.values()].map((p) => p.channel);
  // The ORDER BY in the sub-select makes every process take the locks in the same order. A hash
  // collision between two pairs only makes them share a lock.
  await client.query(
    `SELECT pg_advisory_xact_lock($1::integer, h) FROM (
       SELECT DISTINCT hashtext(host_key || chr(10) || channel) AS h
       FROM unnest($2::text[], $3::text[]) AS p(host_key, channel) ORDER BY 1
     ) ordered`,
    [CHECKPOINT_LOCK_NAMESPACE, hostKeys, channels],
  );

  const stored = new Map<string, Checkpoint>();
  const res = await client.query(
    `SELECT c.* FROM checkpoints c
       JOIN unnest($1::text[], $2::text[]) AS p(host_key, channel)
         ON c.host_key = p.host_key AND c.channel = p.channel`,
    [hostKeys, channels],
  );
  for (const row of res.rows) {
    const cp = checkpointQuery.mapRow(row);
    stored.set(checkpointId(cp.hostKey, cp.channel), {
      host: cp.host,
      channel: cp.channel,
      lastRecordId: cp.lastRecordId,
      lastTime: cp.lastTime,
      epoch: cp.epoch,
      updatedAt: cp.updatedAt,
    });
  }
  return stored;
}

interface KindGroup {
  values: unknown[];
  /** Index in the batch of each row, for error messages. */
  recordIndex: number[];
}

function groupByKind(plan: BatchPlan): Map<EventKind, KindGroup> {
  const groups = new Map<EventKind, KindGroup>();
  plan.records.forEach((p, i) => {
    const kind = p.record.kind;
    if (kind === 'request') return;
    let g = groups.get(kind);
    if (!g) groups.set(kind, (g = { values: [], recordIndex: [] }));
    const spec = TABLES[kind];
    spec.write(g.values, g.recordIndex.length * spec.columns.length, p);
    g.recordIndex.push(i);
  });
  return groups;
}

async function copyAndInsert(
  client: PgClient,
  spec: TableSpec,
  values: unknown[],
  recordIndex: number[],
  records: readonly KmsRecord[],
): Promise<number> {
  const staging = stagingName(spec.table);
  const width = spec.columns.length;
  const rows = values.length / width;
  const badRow = (row: number, err: CopyValueError): never => {
    const index = recordIndex[row];
    throw new StoreError(`record ${index} of the batch (${records[index]?.source ?? 'unknown source'}): ${err.message}`, 'STORE_WRITE', {
      cause: err,
    });
  };
  function* chunks(): Generator<string> {
    for (let start = 0; start < rows; start += COPY_CHUNK_ROWS) {
      yield copyTextRows(values, width, start, Math.min(rows, start + COPY_CHUNK_ROWS), badRow);
    }
  }
  const copy = client.query(pgCopy.from(`COPY ${staging} (ord, ${spec.columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks()), copy);

  const columns = spec.columns.join(', ');
  const res = await client.query(
    `INSERT INTO ${spec.table} (${columns})
       SELECT ${columns} FROM ${staging} ORDER BY ord
       ON CONFLICT (host_key, channel, dedup_key) DO NOTHING`,
  );
  return res.rowCount ?? 0;
}

const SUMMARY_KEY = 'cmid_id, product_id, host_id, machine_key_id, minimum_count';

/**
 * Requests: COPY the narrow rows into staging, then ONE statement inserts the new ones and folds
 * exactly those (RETURNING) into request_hosts and client_summary with the rules of
 * queries/summary.ts: first = earliest (time, id); latest = greatest (time, record id, id).
 */
async function copyAndInsertRequests(client: PgClient, rows: NarrowRequest[]): Promise<number> {
  const width = REQUEST_COLUMNS.length;
  const values: unknown[] = new Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) writeNarrowRequest(values, i * width, rows[i], (b) => b);
  const staging = stagingName('requests');
  const badRow = (_row: number, err: CopyValueError): never => {
    throw new StoreError(`a request of the batch: ${err.message}`, 'STORE_WRITE', { cause: err });
  };
  function* chunks(): Generator<string> {
    for (let start = 0; start < rows.length; start += COPY_CHUNK_ROWS) {
      yield copyTextRows(values, width, start, Math.min(rows.length, start + COPY_CHUNK_ROWS), badRow);
    }
  }
  const columns = REQUEST_COLUMNS.join(', ');
  await pipeline(Readable.from(chunks()), client.query(pgCopy.from(`COPY ${staging} (ord, ${columns}) FROM STDIN`)));
  const res = await client.query<{ inserted: number }>(`
    WITH ins AS (
      INSERT INTO requests (${columns})
        SELECT ${columns} FROM ${staging} ORDER BY ord
        ON CONFLICT (host_id, second, channel_id, rec) DO NOTHING
        RETURNING id, ${SUMMARY_KEY}, time, CASE WHEN rec >= 0 THEN rec ELSE -1 END AS rec_order,
                  machine_id, result, license_state, minutes_left, is_vm
    ), hosts AS (
      INSERT INTO request_hosts (host_id, requests, first_seen, last_seen)
        SELECT host_id, COUNT(*), MIN(time), MAX(time) FROM ins GROUP BY host_id ORDER BY host_id
      ${REQUEST_HOSTS_CONFLICT}
    ), folded AS (
      -- one pass, no joins: window aggregates per summary key, then the latest row of each key
      SELECT DISTINCT ON (${SUMMARY_KEY}) ${SUMMARY_KEY},
             COUNT(*) OVER whole AS requests, MAX(CASE WHEN result = 0 THEN time END) OVER whole AS last_ok,
             first_value(time) OVER earliest AS first_seen, first_value(id) OVER earliest AS first_id,
             first_value(machine_id) OVER earliest AS first_machine_id,
             time AS last_seen, rec_order AS last_rec, id AS last_id, machine_id, result, license_state, minutes_left, is_vm
      FROM ins
      WINDOW whole AS (PARTITION BY ${SUMMARY_KEY}), earliest AS (PARTITION BY ${SUMMARY_KEY} ORDER BY time, id)
      ORDER BY ${SUMMARY_KEY}, time DESC, rec_order DESC, id DESC
    ), summary AS (
      INSERT INTO client_summary (${SUMMARY_KEY}, requests, first_seen, first_id, first_machine_id, last_seen, last_rec,
                                  last_id, machine_id, result, license_state, minutes_left, is_vm, last_ok)
        SELECT ${SUMMARY_KEY}, requests, first_seen, first_id, first_machine_id, last_seen, last_rec,
               last_id, machine_id, result, license_state, minutes_left, is_vm, last_ok
        FROM folded
      ${CLIENT_SUMMARY_CONFLICT}
    )
    SELECT COUNT(*) AS inserted FROM ins`);
  return res.rows[0]?.inserted ?? 0;
}

async function writeLogClears(client: PgClient, plan: BatchPlan): Promise<void> {
  if (plan.logClears.length === 0) return;
  const c = plan.logClears;
  await client.query(
    `INSERT INTO log_clears
       (host, host_key, channel, epoch, detected_at, previous_last_record_id, previous_last_time, first_record_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
     ON CONFLICT (host_key, channel, epoch) DO NOTHING`,
    [
      c.map((x) => x.host),
      c.map((x) => x.hostKey),
      c.map((x) => x.channel),
      c.map((x) => x.epoch),
      c.map((x) => x.detectedAt),
      c.map((x) => x.previousLastRecordId),
      c.map((x) => x.previousLastTime),
      c.map((x) => x.firstRecordId),
    ],
  );
}

async function writeCheckpoints(client: PgClient, plan: BatchPlan): Promise<void> {
  if (plan.checkpoints.length === 0) return;
  const c = plan.checkpoints;
  await client.query(
    `INSERT INTO checkpoints (host_key, channel, host, last_record_id, last_time, epoch, updated_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::integer[], $7::bigint[])
     ON CONFLICT (host_key, channel) DO UPDATE SET
       last_record_id = excluded.last_record_id, last_time = excluded.last_time,
       epoch = excluded.epoch, updated_at = excluded.updated_at`,
    [
      c.map((x) => x.hostKey),
      c.map((x) => x.channel),
      c.map((x) => x.host),
      c.map((x) => x.lastRecordId),
      c.map((x) => x.lastTime),
      c.map((x) => x.epoch),
      c.map((x) => x.updatedAt),
    ],
  );
}

/** Refuses a batch whose records cannot be stored, naming the record, before anything is written. */
function validateRecord(record: KmsRecord, index: number): void {
  const fail = (why: string): never => {
    throw new StoreError(`record ${index} of the batch (${record?.source ?? 'unknown source'}): ${why}`, 'STORE_WRITE');
  };
  if (!record || typeof record !== 'object') fail('not a record');
  if (record.kind !== 'request' && !(record.kind in TABLES)) fail(`unknown kind ${String(record.kind)}`);
  if (typeof record.host !== 'string') fail('host is not a string');
  if (typeof record.channel !== 'string') fail('channel is not a string');
  if (!Number.isSafeInteger(record.time)) fail(`time ${String(record.time)} is not an integer epoch-ms value`);
  if (record.recordId !== null && record.recordId !== undefined && !Number.isSafeInteger(record.recordId)) {
    fail(`record id ${String(record.recordId)} is not an integer`);
  }
  if (record.kind === 'request') {
    if (typeof record.cmid !== 'string' || typeof record.machine !== 'string') fail('request without cmid or machine');
    if (!record.product || typeof record.product.application !== 'string') fail('request without product');
  }
}
