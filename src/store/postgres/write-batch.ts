import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pgCopy from 'pg-copy-streams';
import type { KmsRecord } from '../../kms/types.js';
import { checkpointId, planBatch, type BatchPlan } from '../batch-plan.js';
import {
  ANOMALY_COLUMNS,
  CLIENT_EVENT_COLUMNS,
  HOST_EVENT_COLUMNS,
  writeAnomaly,
  writeClientEvent,
  writeHostEvent,
  type PlannedWriter,
} from '../columns.js';
import { checkpointQuery } from '../queries/checkpoints.js';
import { StoreError, type Checkpoint, type LogSpan, type WriteResult } from '../types.js';
import { sameCheckpoints, type BatchPairs, type CheckpointGuess } from './checkpoint-guess.js';
import { CopyValueError, copyTextRows } from './copy-text.js';
import type { PgClient } from './driver.js';
import { BatchIds, type LookupIds } from './lookup-ids.js';
import { batchKeys, looseAt, newRequestRows, type BatchKeys } from './new-requests.js';
import { emptyVerdict, requestContentOfRow, type CopyKey, type CopyVerdict } from '../copies.js';
import { copyWork, judgeBatch, type BatchRequests } from '../copy-candidates.js';
import { withCopies } from '../copy-result.js';
import { eventCopiesSql, eventCopyOf, requestCopiesSql, requestCopyOf } from '../queries/copies.js';
import { deleteSpanSql, insertSpanSql, spanGroupSql, spanOf, spanValues } from '../queries/spans.js';
import type { RawRow } from '../queries/query.js';
import { batchSpans, mergeSpan } from '../spans.js';
import { withoutNul } from './nul.js';
import { requestColumns, type RequestColumns } from './request-columns.js';
import { reserveIds, type IdSequence } from './request-ids.js';
import type { ClientFold } from './summary-fold.js';
import { recordPending, type PendingSummary } from './summary-pending.js';
import { SUMMARY_STAGING_DDL, writeRequests } from './write-requests.js';

/**
 * Store.writeBatch for PostgreSQL, run inside the caller's transaction:
 *
 *   1. before any lock: the requests become typed columns of lookup ids (request-columns.ts; ids
 *      nobody has yet are inserted), row ids are reserved for all of them (request-ids.ts) and
 *      the batch is planned against the checkpoints it expects (checkpoint-guess.ts);
 *   2. lock every (host, channel) of the batch with a transaction-level advisory lock, in a fixed
 *      order, so concurrent collectors writing the same host serialise here (and never deadlock);
 *   3. read those checkpoints (now stable); when they are not the expected ones, plan the batch
 *      again (the shared planBatch() either way);
 *   4. requests: read which keys of the batch are stored already (new-requests.ts; stable under
 *      the locks), COPY the new rows straight into `requests`, append them to window_days and
 *      request_hosts (write-requests.ts) and list the batch in summary_pending: its client_summary
 *      fold is written later by the store (summary-pending.ts). The other events: COPY into per-connection staging
 *      tables, then `INSERT … SELECT … ORDER BY ord ON CONFLICT DO NOTHING` (few rows);
 *   5. write the planned log clears and checkpoints.
 *
 * Tables are always written in this order and their rows in key order, so two batches that meet
 * on a row wait for each other rather than deadlock. All or nothing: any error rolls the
 * transaction back and nothing of the batch remains.
 */

/** Namespace (first key) of the per-(host, channel) advisory locks: "ckpt" in ASCII. */
export const CHECKPOINT_LOCK_NAMESPACE = 1667985524;

/** Rows per COPY chunk of the other events: bounds the size of each string handed to the socket. */
const COPY_CHUNK_ROWS = 2000;

interface TableSpec {
  table: string;
  columns: readonly string[];
  write: PlannedWriter;
  counter: 'hostEvents' | 'clientEvents' | 'anomalies';
}

type EventKind = Exclude<KmsRecord['kind'], 'request'>;

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
  for (const spec of Object.values(TABLES)) {
    // ON COMMIT DELETE ROWS empties the table at the end of each batch's transaction.
    await client.query(
      `CREATE TEMP TABLE IF NOT EXISTS ${stagingName(spec.table)} ON COMMIT DELETE ROWS AS
         SELECT 0::integer AS ord, ${spec.columns.join(', ')} FROM ${spec.table} WITH NO DATA`,
    );
  }
  await client.query(SUMMARY_STAGING_DDL);
}

/** Call after the transaction that created the staging tables committed. */
export function markStaged(client: PgClient): void {
  staged.add(client);
}

export interface PostgresBatchResult {
  result: WriteResult;
  /** Lookup ids this batch added: merge into the store's ids once committed. */
  added: LookupIds | null;
  /** The batch's listing in summary_pending and its client_summary fold (null: no new request). */
  summary: { batchId: number; fold: ClientFold } | null;
}

/** What a store instance keeps between its batches. */
export interface WriterState {
  /** Committed lookup ids. */
  ids: LookupIds;
  checkpoints: CheckpointGuess;
  sequence: IdSequence;
  /** Committed batches whose client_summary fold is not written yet. */
  pending: PendingSummary;
}

/**
 * How a batch holds its (host, channel) locks. `shared`: batches of the same hosts store their
 * rows at the same time, and only the last step (checkpoints, log clears) runs one batch at a
 * time, under a second lock, after checking that the plan still holds; a batch that meets another
 * one's rows or plan fails with ConcurrentBatchConflict and is written again `exclusive`ly: the
 * (host, channel) locks held from the start to COMMIT, as older versions always did.
 */
export type LockMode = 'shared' | 'exclusive';

/** A shared-mode batch that must be written again exclusively (nothing of it remains). */
export class ConcurrentBatchConflict extends Error {
  override readonly name = 'ConcurrentBatchConflict';
}

export async function writeBatchPostgres(
  client: PgClient,
  batch: readonly KmsRecord[],
  now: number,
  state: WriterState,
  mode: LockMode = 'exclusive',
  /** Told the batch's summary_pending id as soon as it is listed (before COMMIT). */
  listed: (batchId: number) => void = (id) => state.pending.recorded(id),
): Promise<PostgresBatchResult> {
  const records = withoutNul(batch);
  const result: WriteResult = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };
  if (records.length === 0) return { result, added: null, summary: null };
  records.forEach(validateRecord);
  const pairs = batchPairs(records);
  try {
    return await writePlanned(client, records, pairs, now, state, mode, result, listed);
  } catch (err) {
    state.checkpoints.forget(pairs);
    throw err;
  }
}

async function writePlanned(
  client: PgClient,
  records: readonly KmsRecord[],
  pairs: BatchPairs,
  now: number,
  state: WriterState,
  mode: LockMode,
  result: WriteResult,
  listed: (batchId: number) => void,
): Promise<PostgresBatchResult> {
  // everything up to the locks runs while other writers of the same hosts hold them
  await ensureStagingTables(client);
  const positions: number[] = [];
  for (let i = 0; i < records.length; i++) if (records[i].kind === 'request') positions.push(i);
  const ids = new BatchIds(state.ids);
  const cols = positions.length > 0 ? await requestColumns(records, positions, ids, () => ids.fetchMissing(client)) : null;
  const rowIds = cols !== null ? await reserveIds(client, state.sequence, cols.size) : null;
  const keys = cols !== null ? batchKeys(cols) : null;
  const guess = state.checkpoints.guess(pairs);
  // planned against what this instance expects once its batches in flight commit
  const guessed = guess.size === pairs.size ? planBatch(records, guess, now) : null;

  await lockPairs(client, pairs, mode);
  let basis: ReadonlyMap<string, Checkpoint>;
  let plan: BatchPlan;
  if (mode === 'shared' && guessed !== null) {
    // checked against the stored checkpoints before it is committed (settle below)
    basis = guess;
    plan = guessed;
  } else {
    basis = await loadCheckpoints(client, pairs);
    plan = guessed !== null && sameCheckpoints(pairs, guess, basis) ? guessed : planBatch(records, basis, now);
  }

  // which requests are new by their key; which records are copies of stored events (copies.ts)
  const fresh = cols !== null && keys !== null ? await newRequestRows(client, cols, keys) : null;
  const copies = await copyVerdict(client, records, basis, cols, keys, fresh);
  if (copies.unplanned.size > 0) plan = planBatch(records, basis, now, false, copies.unplanned);
  state.checkpoints.planned(pairs, basis, plan);

  let summary: PostgresBatchResult['summary'] = null;
  if (cols !== null && rowIds !== null && fresh !== null) {
    for (let i = 0; i < cols.size; i++) cols.epoch[i] = plan.records[cols.record[i]].epoch;
    const kept = copies.notStored.size === 0 ? fresh : fresh.filter((row) => !copies.notStored.has(cols.record[row]));
    const fold = await writeRequests(client, records, cols, kept, rowIds);
    result.requests = kept.length;
    if (fold !== null) {
      const batchId = await recordPending(client, rowIds, kept.length);
      listed(batchId);
      summary = { batchId, fold };
    }
  }
  const byKind = groupByKind(plan, copies.notStored);
  for (const [kind, group] of byKind) {
    const spec = TABLES[kind];
    const inserted = await copyAndInsert(client, spec, group.values, group.recordIndex, records);
    result[spec.counter] = inserted;
  }
  withCopies(result, records.length, copies);

  if (mode === 'shared') plan = await settle(client, records, pairs, now, state, basis, plan, copies.unplanned);
  await writeLogClears(client, plan);
  await writeCheckpoints(client, plan);
  await writeSpans(client, batchSpans(plan, copies.unplanned));
  result.logClears = plan.logClears.length;
  return { result, added: ids.added, summary };
}

/** Which records of the batch are copies of stored events (store/copies.ts), read under the batch's locks. */
async function copyVerdict(
  client: PgClient, records: readonly KmsRecord[], basis: ReadonlyMap<string, Checkpoint>,
  cols: RequestColumns | null, keys: BatchKeys | null, fresh: Int32Array | null,
): Promise<CopyVerdict> {
  const requests: BatchRequests | null = cols === null || keys === null || fresh === null ? null : {
    rows: cols.size, positionOf: (j) => cols.record[j], fresh, looseAt: (j) => looseAt(keys, cols, j),
    content: (j) => requestContentOfRow(cols, j), cmidId: (j) => cols.cmidId[j], hostId: (j) => cols.hostId[j],
  };
  // whether a host has sources read in a zone is read before: copyWork asks synchronously
  const localSources = await readLocalSources(client, records);
  const localHosts = new Set([...localSources.values()].map((s) => s.hostKey));
  const zones = new Map([...localSources].map(([source, s]) => [source, s.zone]));
  const work = copyWork(records, basis, requests, (key) => localHosts.has(key));
  if (work.candidates.length === 0) return emptyVerdict();
  const copies: CopyKey[] = [];
  for (const question of work.questions) {
    if (question.cmidIds.size > 0) {
      const res = await client.query(requestCopiesSql.postgres, [[...question.cmidIds], question.hostId, question.fromSecond, question.toSecond]);
      for (const row of res.rows as RawRow[]) copies.push(requestCopyOf(question.hostKey, row));
    }
    if (question.events) {
      const res = await client.query(eventCopiesSql.postgres, [question.hostKey, question.from, question.to]);
      for (const row of res.rows as RawRow[]) copies.push(eventCopyOf(question.hostKey, row));
    }
  }
  return judgeBatch(records, work, copies, zones);
}

/** The stored sources read in a zone of the batch's hosts, by source. */
async function readLocalSources(client: PgClient, records: readonly KmsRecord[]): Promise<Map<string, { hostKey: string; zone: string }>> {
  const hosts = new Set<string>();
  let prev: string | undefined;
  for (const r of records) {
    if (r.host === prev) continue;
    prev = r.host;
    hosts.add(r.host.toLowerCase());
  }
  const res = await client.query('SELECT DISTINCT host_key, source, zone FROM log_spans WHERE host_key = ANY($1::text[]) AND zone IS NOT NULL', [[...hosts]]);
  return new Map((res.rows as { host_key: string; source: string; zone: string }[]).map((r) => [r.source, { hostKey: r.host_key, zone: r.zone }]));
}

/** Adds the batch's stretches to log_spans, merged with the ones they overlap or continue (store/spans.ts). */
async function writeSpans(client: PgClient, spans: readonly LogSpan[]): Promise<void> {
  for (const span of spans) {
    const where = [span.hostKey, span.channel, span.epoch, span.source];
    const stored = await client.query(spanGroupSql.postgres, where);
    const { remove, write } = mergeSpan((stored.rows as RawRow[]).map(spanOf), span);
    for (const spanKey of remove) await client.query(deleteSpanSql.postgres, [...where, spanKey]);
    await client.query(insertSpanSql.postgres, spanValues(write));
  }
}

/**
 * The serial step of a shared-mode batch: under the final lock of its pairs (one batch at a time,
 * held to COMMIT) the checkpoints are the ones every batch committed before left. The rows were
 * written with epochs planned against `basis`; when the stored checkpoints differ, the batch is
 * planned again, and it stands only if every epoch and log clear comes out the same (the new
 * plan's checkpoints are then the ones to store). Otherwise ConcurrentBatchConflict.
 */
async function settle(
  client: PgClient,
  records: readonly KmsRecord[],
  pairs: BatchPairs,
  now: number,
  state: WriterState,
  basis: ReadonlyMap<string, Checkpoint>,
  plan: BatchPlan,
  unplanned: ReadonlySet<number>,
): Promise<BatchPlan> {
  await lockPairs(client, pairs, 'final');
  const stored = await loadCheckpoints(client, pairs);
  if (sameCheckpoints(pairs, basis, stored)) return plan;
  const again = planBatch(records, stored, now, false, unplanned);
  if (!samePlan(plan, again)) throw new ConcurrentBatchConflict('the checkpoints changed the plan of the batch');
  state.checkpoints.planned(pairs, stored, again);
  return again;
}

/** Whether two plans of the same records store the same rows and log clears. */
function samePlan(a: BatchPlan, b: BatchPlan): boolean {
  for (let i = 0; i < a.records.length; i++) if (a.records[i].epoch !== b.records[i].epoch) return false;
  if (a.logClears.length !== b.logClears.length) return false;
  return a.logClears.every((c, i) => JSON.stringify(c) === JSON.stringify(b.logClears[i]));
}

/** The batch's (host, channel) pairs. */
function batchPairs(records: readonly KmsRecord[]): BatchPairs {
  const pairs: BatchPairs = new Map();
  let prev: KmsRecord | undefined;
  for (const r of records) {
    // records of a batch come in long runs of one host and channel
    if (prev !== undefined && prev.host === r.host && prev.channel === r.channel) continue;
    prev = r;
    const hostKey = r.host.toLowerCase();
    pairs.set(checkpointId(hostKey, r.channel), { hostKey, channel: r.channel });
  }
  return pairs;
}

/** Namespace of the final locks of shared-mode batches: "ckpf" in ASCII. */
export const FINAL_LOCK_NAMESPACE = 1667985510;

const LOCKS: Record<LockMode | 'final', { fn: string; namespace: number }> = {
  exclusive: { fn: 'pg_advisory_xact_lock', namespace: CHECKPOINT_LOCK_NAMESPACE },
  shared: { fn: 'pg_advisory_xact_lock_shared', namespace: CHECKPOINT_LOCK_NAMESPACE },
  final: { fn: 'pg_advisory_xact_lock', namespace: FINAL_LOCK_NAMESPACE },
};

/** Locks the pairs in ascending lock-key order (held until the transaction ends). */
async function lockPairs(client: PgClient, pairs: BatchPairs, mode: LockMode | 'final'): Promise<void> {
  const { fn, namespace } = LOCKS[mode];
  // The ORDER BY in the sub-select makes every process take the locks in the same order. A hash
  // collision between two pairs only makes them share a lock.
  await client.query(
    `SELECT ${fn}($1::integer, h) FROM (
       SELECT DISTINCT hashtext(host_key || chr(10) || channel) AS h
       FROM unnest($2::text[], $3::text[]) AS p(host_key, channel) ORDER BY 1
     ) ordered`,
    [namespace, [...pairs.values()].map((p) => p.hostKey), [...pairs.values()].map((p) => p.channel)],
  );
}

async function loadCheckpoints(client: PgClient, pairs: BatchPairs): Promise<Map<string, Checkpoint>> {
  const stored = new Map<string, Checkpoint>();
  const res = await client.query(
    `SELECT c.* FROM checkpoints c
       JOIN unnest($1::text[], $2::text[]) AS p(host_key, channel)
         ON c.host_key = p.host_key AND c.channel = p.channel`,
    [[...pairs.values()].map((p) => p.hostKey), [...pairs.values()].map((p) => p.channel)],
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

function groupByKind(plan: BatchPlan, notStored: ReadonlySet<number>): Map<EventKind, KindGroup> {
  const groups = new Map<EventKind, KindGroup>();
  plan.records.forEach((p, i) => {
    const kind = p.record.kind;
    if (kind === 'request' || notStored.has(i)) return;
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
  const why = invalidBecause(record);
  if (why !== null) throw new StoreError(`record ${index} of the batch (${record?.source ?? 'unknown source'}): ${why}`, 'STORE_WRITE');
}

function invalidBecause(record: KmsRecord): string | null {
  if (!record || typeof record !== 'object') return 'not a record';
  if (record.kind !== 'request' && !(record.kind in TABLES)) return `unknown kind ${String(record.kind)}`;
  if (typeof record.host !== 'string') return 'host is not a string';
  if (typeof record.channel !== 'string') return 'channel is not a string';
  if (!Number.isSafeInteger(record.time)) return `time ${String(record.time)} is not an integer epoch-ms value`;
  if (record.recordId !== null && record.recordId !== undefined && !Number.isSafeInteger(record.recordId)) {
    return `record id ${String(record.recordId)} is not an integer`;
  }
  if (record.kind === 'request') {
    if (typeof record.cmid !== 'string' || typeof record.machine !== 'string') return 'request without cmid or machine';
    if (!record.product || typeof record.product.application !== 'string' || typeof record.product.name !== 'string') return 'request without product';
    if (typeof record.source !== 'string' || typeof record.resultHex !== 'string' || typeof record.activationId !== 'string' || typeof record.clientTimeText !== 'string') {
      return 'source, result text, activation id and client time text must be strings';
    }
  }
  return null;
}
