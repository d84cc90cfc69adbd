import type { KmsRecord } from '../kms/types.js';
import { StoreError, type Checkpoint, type LogClearRow } from './types.js';
import { hostKey } from './dedup.js';

/**
 * Backend-neutral part of Store.writeBatch: assigns each record its host key and log epoch,
 * detects log clears and computes the new checkpoints. Pure: the backend loads the checkpoints,
 * calls planBatch and writes rows, clears and checkpoints in one transaction.
 *
 * Checkpoint rule (docs/definitions.md "log clear"), per (host lower-case, channel):
 *   - the checkpoint is the newest event (by time) of the current epoch that has a record id;
 *   - an event with a record id not above the checkpoint's while its time is later starts a new
 *     epoch (record ids restarted: the log was cleared);
 *   - a later event with a higher id advances the checkpoint; an older event (re-ingest, overlap,
 *     a late export) changes nothing, so re-ingesting anything is idempotent;
 *   - events without a record id (Event Viewer CSV) never move the checkpoint;
 *   - "later" compares whole seconds, like the dedup key: one event read from an export with
 *     milliseconds and from one with whole seconds is the same event, not a clear.
 * Detection follows ingest order: a clear is seen when exports are ingested oldest first, which is
 * the order they are made in. An older export ingested after a newer one is stored (its keys
 * differ) but cannot reveal a clear that happened between them.
 */
export interface PlannedRecord {
  record: KmsRecord;
  hostKey: string;
  epoch: number;
}

export interface PlannedLogClear extends LogClearRow {
  hostKey: string;
  previousLastTime: number | null;
}

export interface PlannedCheckpoint extends Checkpoint {
  hostKey: string;
}

export interface BatchPlan {
  records: PlannedRecord[];
  logClears: PlannedLogClear[];
  /** Checkpoints that changed (or are new), to upsert. */
  checkpoints: PlannedCheckpoint[];
}

function second(time: number): number {
  return Math.floor(time / 1000);
}

export function checkpointId(hostKeyValue: string, channel: string): string {
  return `${hostKeyValue}\u0000${channel}`;
}

/**
 * @param stored current checkpoints keyed by checkpointId(hostKey, channel) (only those of the
 *   (host, channel) pairs in the batch are needed)
 * @param now    updatedAt stamp for changed checkpoints
 */
export function planBatch(
  records: readonly KmsRecord[],
  stored: ReadonlyMap<string, Checkpoint>,
  now: number,
  /** The records passed checkBatchRecord already (a writer thread plans stand-ins for them). */
  checked = false,
  /**
   * Positions of records that are not stored and must not move a checkpoint: copies of stored
   * events whose times are off by whole hours (copies.ts), which would pass for a log clear.
   */
  unplanned?: ReadonlySet<number>,
): BatchPlan {
  const working = new Map<string, PlannedCheckpoint>();
  const changed = new Set<PlannedCheckpoint>();
  const planned: PlannedRecord[] = new Array(records.length);
  const logClears: PlannedLogClear[] = [];

  // records of a batch share a few (host, channel) pairs: resolve each pair once
  const byHost = new Map<string, Map<string, PlannedCheckpoint>>();
  const clearsInBatch = new Map<PlannedCheckpoint, PlannedLogClear>();

  // and consecutive records are mostly of one pair: compare with the previous record's first
  let lastHost: string | undefined;
  let lastChannel: string | undefined;
  let lastCp: PlannedCheckpoint | undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (!checked) checkBatchRecord(record, i);
    if (unplanned !== undefined && unplanned.has(i)) {
      planned[i] = { record, hostKey: hostKey(record.host), epoch: 0 };
      continue;
    }
    let cp = lastCp !== undefined && record.host === lastHost && record.channel === lastChannel ? lastCp : undefined;
    let byChannel = cp === undefined ? byHost.get(record.host) : undefined;
    if (cp === undefined && byChannel === undefined) {
      byChannel = new Map();
      byHost.set(record.host, byChannel);
    }
    if (cp === undefined) cp = byChannel!.get(record.channel);
    if (cp === undefined) {
      const key = hostKey(record.host);
      const id = checkpointId(key, record.channel);
      cp = working.get(id);
      if (cp === undefined) {
        const prior = stored.get(id);
        cp = prior
          ? { ...prior, hostKey: key }
          : { host: record.host, hostKey: key, channel: record.channel, lastRecordId: null, lastTime: null, epoch: 0, updatedAt: now };
        working.set(id, cp);
        if (!prior) changed.add(cp);
      }
      byChannel!.set(record.channel, cp);
    }
    lastHost = record.host;
    lastChannel = record.channel;
    lastCp = cp;
    const recordId = record.recordId ?? null;
    if (recordId !== null) {
      if (cp.lastRecordId === null || cp.lastTime === null) {
        cp.lastRecordId = recordId;
        cp.lastTime = record.time;
        changed.add(cp);
      } else if (recordId <= cp.lastRecordId && second(record.time) > second(cp.lastTime)) {
        cp.epoch += 1;
        const clear: PlannedLogClear = {
          host: record.host,
          hostKey: cp.hostKey,
          channel: record.channel,
          epoch: cp.epoch,
          detectedAt: record.time,
          previousLastRecordId: cp.lastRecordId,
          previousLastTime: cp.lastTime,
          firstRecordId: recordId,
        };
        logClears.push(clear);
        clearsInBatch.set(cp, clear);
        cp.lastRecordId = recordId;
        cp.lastTime = record.time;
        changed.add(cp);
      } else if (record.time >= cp.lastTime && recordId > cp.lastRecordId) {
        cp.lastRecordId = recordId;
        cp.lastTime = record.time;
        changed.add(cp);
      } else {
        // an export listed newest first: an earlier event of an epoch this batch started is the
        // clear's real first event
        const clear = clearsInBatch.get(cp);
        if (clear && recordId < (clear.firstRecordId ?? 0) && second(record.time) > second(clear.previousLastTime ?? 0) && record.time < clear.detectedAt) {
          clear.detectedAt = record.time;
          clear.firstRecordId = recordId;
        }
      }
    }
    planned[i] = { record, hostKey: cp.hostKey, epoch: cp.epoch };
  }

  const checkpoints: PlannedCheckpoint[] = [];
  for (const cp of changed) {
    checkpoints.push({ ...cp, updatedAt: now });
  }
  return { records: planned, logClears, checkpoints };
}

const STRING_FIELDS: Record<KmsRecord['kind'], readonly string[]> = {
  request: ['resultHex', 'machine', 'cmid', 'clientTimeText', 'activationId'],
  client: ['resultHex'],
  host: ['type', 'detail'],
  anomaly: ['reason', 'provider', 'raw'],
};

/**
 * Rejects a record the tables cannot hold faithfully (the whole batch is then not written), naming
 * it by its position in the batch and its source.
 */
export function checkBatchRecord(record: KmsRecord, index: number): void {
  const fail = (what: string): never => {
    throw new StoreError(`record ${index} of the batch (${String(record?.source)}): ${what}`, 'STORE_WRITE');
  };
  if (record === null || typeof record !== 'object' || !(record.kind in STRING_FIELDS)) fail('not a KMS record');
  if (typeof record.host !== 'string' || typeof record.channel !== 'string' || typeof record.source !== 'string') {
    fail('host, channel and source must be strings');
  }
  if (!Number.isFinite(record.time)) fail(`time ${String(record.time)} is not a finite number`);
  const id = record.recordId;
  if (id !== null && id !== undefined && !(Number.isSafeInteger(id) && id >= 0)) fail(`record id ${String(id)} is not a non-negative integer`);
  if (!Number.isSafeInteger(record.eventId)) fail(`event id ${String(record.eventId)} is not an integer`);
  const fields = record as unknown as Record<string, unknown>;
  for (const name of STRING_FIELDS[record.kind]) {
    if (typeof fields[name] !== 'string') fail(`${name} must be a string`);
  }
}
