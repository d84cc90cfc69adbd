import type { KmsRecord, KmsRequest } from '../kms/types.js';
import { checkBatchRecord, checkpointId, planBatch, type PlannedRecord } from './batch-plan.js';
import { ANOMALY_COLUMNS, CLIENT_EVENT_COLUMNS, HOST_EVENT_COLUMNS, writeAnomaly, writeClientEvent, writeHostEvent, type PlannedWriter } from './columns.js';
import { COL, REQUEST_COLUMNS, requestRows, type RequestValues } from './request-row.js';
import { emptyVerdict, requestContent, type CopyKey, type CopyVerdict } from './copies.js';
import { copyWork, judgeBatch, type BatchRequests } from './copy-candidates.js';
import { withCopies } from './copy-result.js';
import { hostKey } from './dedup.js';
import type { Dictionary } from './dictionary.js';
import { ALL_NEW, IGNORE, sql, type Driver } from './driver.js';
import { freshRequests, type FreshRequests } from './fresh-requests.js';
import { withoutNul } from './nul.js';
import * as q from './queries/index.js';
import { batchSpans, mergeSpan } from './spans.js';
import { clientsOf, updateActivity, type BatchRequest } from './activity.js';
import { updateDaily } from './daily.js';
import { summaryRows } from './summary-rows.js';
import type { Checkpoint, LogSpan, WriteResult } from './types.js';
import { PAIRING_WINDOW_MS } from './rules/client-pairing.js';

const maxRequestId = sql('maxRequestId', [], () => 'SELECT COALESCE(MAX(id), 0) AS id FROM requests');

/**
 * Store.writeBatch for both SQL backends:
 *   1. the requests' strings and products get their ids (dictionary.ts; new ones are committed on
 *      their own, so another writer's batch can run meanwhile) and each request its narrow row;
 * then in one write transaction (`tx`, under the store's write lock, which makes every read here
 * current and the new ids contiguous):
 *   2. the rows whose dedup key is new are found (fresh-requests.ts), copies the key cannot tell
 *      judged (copies.ts) and the batch planned: epochs, log clears, checkpoints (batch-plan.ts);
 *   3. the new requests are inserted with the ids after the highest stored one, and the summaries
 *      brought up to date from exactly those rows (summary-rows.ts, queries/summary.ts, activity.ts);
 *   4. the other events, log clears, checkpoints and the stretches of the logs read (spans.ts).
 */
export async function writeBatch(db: Driver, input: readonly KmsRecord[], ids: Dictionary): Promise<WriteResult> {
  // PostgreSQL text cannot hold U+0000: both backends store U+FFFD instead (nul.ts)
  const records = withoutNul(input);
  records.forEach(checkBatchRecord);
  const positions: number[] = [];
  for (let i = 0; i < records.length; i++) if (records[i].kind === 'request') positions.push(i);
  const rows = await requestRows(db, ids, positions.map((i) => records[i] as KmsRequest));
  return db.transaction((tx) => writePlanned(tx, records, positions, rows, (productId) => ids.applicationOf(productId)));
}

async function writePlanned(
  tx: Driver, records: readonly KmsRecord[], positions: readonly number[], rows: RequestValues[], applicationOf: (productId: number) => string,
): Promise<WriteResult> {
  const result: WriteResult = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };
  const stored = await loadCheckpoints(tx, records);
  const fresh = await freshRequests(tx, rows.map((v) => ({
    hostId: v[COL.host_id] as number, second: v[COL.second] as number, channelId: v[COL.channel_id] as number, rec: v[COL.rec] as number,
  })));
  const copies = await copyVerdict(tx, records, stored, positions, rows, fresh);
  const plan = planBatch(records, stored, Date.now(), true, copies.unplanned);

  const firstId = Number((await tx.rows(maxRequestId))[0].id) + 1;
  const kept: unknown[][] = [];
  const requests: BatchRequest[] = [];
  for (const row of fresh.fresh) {
    if (copies.notStored.has(positions[row])) continue;
    const values = rows[row];
    values[COL.epoch] = plan.records[positions[row]].epoch;
    kept.push([firstId + kept.length, ...values]);
    requests.push({
      hostId: values[COL.host_id] as number, application: applicationOf(values[COL.product_id] as number), cmidId: values[COL.cmid_id] as number,
      time: values[COL.time] as number, minimum: values[COL.minimum_count] as number, ok: values[COL.result] === 0,
    });
  }
  if (kept.length > 0) {
    // every row is new by its key: a row not inserted fails the batch rather than go missing
    result.requests = await tx.insert('requests', ['id', ...REQUEST_COLUMNS], kept, ALL_NEW);
    await tx.run(q.updateRequestHostsSql, { after: firstId - 1 });
    await tx.run(q.updateFailureCountsSql, { after: firstId - 1 });
    await tx.insert('client_summary', q.CLIENT_SUMMARY_COLUMNS, summaryRows(kept), q.CLIENT_SUMMARY_CONFLICT);
    await tx.run(q.markNewestSql, { after: firstId - 1 });
    const clients = clientsOf(requests);
    await updateActivity(tx, clients);
    await updateDaily(tx, requests, clients, firstId);
  }

  const events = { host: [] as PlannedRecord[], client: [] as PlannedRecord[], anomaly: [] as PlannedRecord[] };
  plan.records.forEach((p, i) => {
    if (p.record.kind !== 'request' && !copies.notStored.has(i)) events[p.record.kind].push(p);
  });
  result.hostEvents = await insertEvents(tx, 'host_events', HOST_EVENT_COLUMNS, writeHostEvent, events.host);
  result.clientEvents = await insertEvents(tx, 'client_events', CLIENT_EVENT_COLUMNS, writeClientEvent, events.client);
  if (result.clientEvents > 0) await pairClientEvents(tx, events.client);
  result.anomalies = await insertEvents(tx, 'anomalies', ANOMALY_COLUMNS, writeAnomaly, events.anomaly);
  withCopies(result, records.length, copies);

  for (const clear of plan.logClears) {
    result.logClears += await tx.run(q.insertLogClearSql, {
      host: clear.host, hostKey: clear.hostKey, channel: clear.channel, epoch: clear.epoch, detectedAt: clear.detectedAt,
      previousLastRecordId: clear.previousLastRecordId, previousLastTime: clear.previousLastTime, firstRecordId: clear.firstRecordId,
    });
  }
  for (const cp of plan.checkpoints) await tx.run(q.upsertCheckpointSql, { ...cp });
  await writeSpans(tx, batchSpans(plan, copies.unplanned));
  return result;
}

async function loadCheckpoints(tx: Driver, records: readonly KmsRecord[]): Promise<Map<string, Checkpoint>> {
  const wanted = new Set(records.map((r) => checkpointId(hostKey(r.host), r.channel)));
  const out = new Map<string, Checkpoint>();
  // one row per (host, channel): a few rows, read whole
  for (const row of await tx.rows(q.checkpointsQuery)) {
    const { hostKey: key, ...cp } = q.checkpointsQuery.mapRow(row);
    const id = checkpointId(key, cp.channel);
    if (wanted.has(id)) out.set(id, cp);
  }
  return out;
}

/** Which records of the batch are copies of stored events (copies.ts), read inside the batch's transaction. */
async function copyVerdict(
  tx: Driver, records: readonly KmsRecord[], stored: ReadonlyMap<string, Checkpoint>, positions: readonly number[],
  rows: readonly RequestValues[], fresh: FreshRequests,
): Promise<CopyVerdict> {
  const n = (row: number, column: number) => rows[row][column] as number;
  const requests: BatchRequests | null = positions.length === 0 ? null : {
    rows: positions.length, positionOf: (j) => positions[j], fresh: fresh.fresh, looseAt: fresh.looseAt,
    content: (j) => requestContent(n(j, COL.result_hex_id), n(j, COL.minimum_count), n(j, COL.machine_key_id), n(j, COL.cmid_id),
      rows[j][COL.client_time_text] as string, rows[j][COL.is_vm] as boolean, n(j, COL.license_state), n(j, COL.minutes_left), n(j, COL.product_id)),
    cmidId: (j) => n(j, COL.cmid_id),
    hostId: (j) => n(j, COL.host_id),
  };
  // copyWork asks whether a host has sources read in a zone: read for every host of the batch first
  const localSources = new Map<string, string>();
  const hostsWithLocal = new Set<string>();
  for (const key of new Set(records.map((r) => hostKey(r.host)))) {
    const sources = await tx.rows(q.localSourcesSql, { hostKey: key });
    if (sources.length > 0) hostsWithLocal.add(key);
    for (const s of sources) localSources.set(String(s.source), String(s.zone));
  }
  const work = copyWork(records, stored, requests, (key) => hostsWithLocal.has(key));
  if (work.candidates.length === 0) return emptyVerdict();
  const copies: CopyKey[] = [];
  for (const question of work.questions) {
    if (question.cmidIds.size > 0) {
      const found = await tx.rows(q.requestCopiesSql, {
        cmidIds: tx.list([...question.cmidIds]), hostId: question.hostId, fromSecond: question.fromSecond, toSecond: question.toSecond,
      });
      for (const row of found) copies.push(q.requestCopyOf(question.hostKey, row));
    }
    if (question.events) {
      const found = await tx.rows(q.eventCopiesSql, { hostKey: question.hostKey, from: question.from, to: question.to });
      for (const row of found) copies.push(q.eventCopyOf(question.hostKey, row));
    }
  }
  return judgeBatch(records, work, copies, localSources);
}

/** Brings the answers of the computers of a batch's client events up to date (queries/client-pairing.ts). */
async function pairClientEvents(tx: Driver, planned: readonly PlannedRecord[]): Promise<void> {
  const since = planned.reduce((t, p) => Math.min(t, p.record.time), Infinity) - PAIRING_WINDOW_MS;
  await tx.run(q.pairClientEventsSql, { hostKeys: tx.list([...new Set(planned.map((p) => p.hostKey))]), since });
}

async function insertEvents(tx: Driver, table: string, columns: readonly string[], write: PlannedWriter, planned: readonly PlannedRecord[]): Promise<number> {
  if (planned.length === 0) return 0;
  const rows = planned.map((p) => {
    const values: unknown[] = new Array(columns.length);
    write(values, 0, p);
    return values;
  });
  // a repeat of a stored event (same host, log and dedup key) is a duplicate: not inserted, not counted
  return tx.insert(table, columns, rows, IGNORE);
}

/** Adds the batch's stretches to log_spans, merged with the ones they overlap or continue (spans.ts). */
async function writeSpans(tx: Driver, spans: readonly LogSpan[]): Promise<void> {
  for (const span of spans) {
    const where = { hostKey: span.hostKey, channel: span.channel, epoch: span.epoch, source: span.source };
    const group = (await tx.rows(q.spanGroupSql, where)).map(q.spanOf);
    const { remove, write } = mergeSpan(group, span);
    for (const spanKey of remove) await tx.run(q.deleteSpanSql, { ...where, spanKey });
    await tx.run(q.insertSpanSql, { ...write });
  }
}
