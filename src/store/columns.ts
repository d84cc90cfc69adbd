import type { KmsAnomaly, KmsClientEvent, KmsHostEvent } from '../kms/types.js';
import type { PlannedRecord } from './batch-plan.js';
import { dedupKey } from './dedup.js';

/**
 * Column order of each event table and writers that put one record's values in that order at
 * values[offset..], shared by the backends' bulk paths.
 * Requests have a narrow row of their own (request-row.ts).
 */
const COMMON = ['host', 'host_key', 'channel', 'record_id', 'time', 'dedup_key', 'epoch', 'source'] as const;

export const HOST_EVENT_COLUMNS = [...COMMON, 'event_id', 'type', 'result_hex', 'domain', 'detail'] as const;

/** The fields the report's client side reads are kept as columns too (migration 1700); the answer columns are set by pairing. */
export const CLIENT_EVENT_COLUMNS = [...COMMON, 'event_id', 'result', 'result_hex', 'fields', 'kms_host', 'activation_id', 'minimum_count', 'current_count'] as const;

export const ANOMALY_COLUMNS = [...COMMON, 'event_id', 'provider', 'reason', 'raw'] as const;

export type PlannedWriter = (values: unknown[], offset: number, p: PlannedRecord) => void;

/** Writes the 8 common columns; returns the offset after them. */
function writeCommon(v: unknown[], o: number, p: PlannedRecord): number {
  const r = p.record;
  v[o] = r.host;
  v[o + 1] = p.hostKey;
  v[o + 2] = r.channel;
  v[o + 3] = r.recordId ?? null;
  v[o + 4] = r.time;
  v[o + 5] = dedupKey(r);
  v[o + 6] = p.epoch;
  v[o + 7] = r.source;
  return o + 8;
}

export const writeHostEvent: PlannedWriter = (v, offset, p) => {
  const o = writeCommon(v, offset, p);
  const r = p.record as KmsHostEvent;
  v[o] = r.eventId;
  v[o + 1] = r.type;
  v[o + 2] = r.resultHex;
  v[o + 3] = r.domain;
  v[o + 4] = r.detail;
};

export const writeClientEvent: PlannedWriter = (v, offset, p) => {
  const o = writeCommon(v, offset, p);
  const r = p.record as KmsClientEvent;
  v[o] = r.eventId;
  v[o + 1] = r.result;
  v[o + 2] = r.resultHex;
  v[o + 3] = JSON.stringify(r.fields);
  const request = r.eventId === 12288;
  v[o + 4] = request ? r.fields.kmsHost ?? null : null;
  v[o + 5] = request ? r.fields.activationId ?? null : null;
  v[o + 6] = request ? r.fields.minimumCount ?? null : null;
  v[o + 7] = r.eventId === 12289 ? r.fields.currentCount ?? null : null;
};

export const writeAnomaly: PlannedWriter = (v, offset, p) => {
  const o = writeCommon(v, offset, p);
  const r = p.record as KmsAnomaly;
  v[o] = r.eventId;
  v[o + 1] = r.provider;
  v[o + 2] = r.reason;
  v[o + 3] = r.raw;
};
