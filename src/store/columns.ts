import type { KmsAnomaly, KmsClientEvent, KmsHostEvent, KmsRequest } from '../kms/types.js';
import type { PlannedRecord } from './batch-plan.js';

/**
 * Column order of each event table and writers that put one record's values in that order at
 * values[offset..], shared by the backends' bulk paths. Booleans go through `bool` (SQLite: 0/1).
 */
const COMMON = ['host', 'host_key', 'channel', 'record_id', 'time', 'dedup_key', 'epoch', 'source'] as const;

export const REQUEST_COLUMNS = [
  ...COMMON,
  'result', 'result_hex', 'minimum_count', 'machine', 'machine_key', 'cmid', 'client_time_text',
  'client_time', 'is_vm', 'license_state', 'minutes_left', 'activation_id', 'product_name', 'application',
] as const;

export const HOST_EVENT_COLUMNS = [...COMMON, 'event_id', 'type', 'result_hex', 'domain', 'detail'] as const;

export const CLIENT_EVENT_COLUMNS = [...COMMON, 'event_id', 'result', 'result_hex', 'fields'] as const;

export const ANOMALY_COLUMNS = [...COMMON, 'event_id', 'provider', 'reason', 'raw'] as const;

export type BoolValue = (b: boolean) => unknown;
export type PlannedWriter = (values: unknown[], offset: number, p: PlannedRecord) => void;

/** Writes the 8 common columns; returns the offset after them. */
function writeCommon(v: unknown[], o: number, p: PlannedRecord): number {
  const r = p.record;
  v[o] = r.host;
  v[o + 1] = p.hostKey;
  v[o + 2] = r.channel;
  v[o + 3] = r.recordId ?? null;
  v[o + 4] = r.time;
  v[o + 5] = p.dedupKey;
  v[o + 6] = p.epoch;
  v[o + 7] = r.source;
  return o + 8;
}

export function requestWriter(bool: BoolValue): PlannedWriter {
  return (v, offset, p) => {
    const o = writeCommon(v, offset, p);
    const r = p.record as KmsRequest;
    v[o] = r.result;
    v[o + 1] = r.resultHex;
    v[o + 2] = r.minimumCount;
    v[o + 3] = r.machine;
    v[o + 4] = r.machine.toLowerCase();
    v[o + 5] = r.cmid.toLowerCase();
    v[o + 6] = r.clientTimeText;
    v[o + 7] = r.clientTime;
    v[o + 8] = bool(r.isVm);
    v[o + 9] = r.licenseState;
    v[o + 10] = r.minutesLeft;
    v[o + 11] = r.activationId.toLowerCase();
    v[o + 12] = r.product.name;
    v[o + 13] = r.product.application;
  };
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
};

export const writeAnomaly: PlannedWriter = (v, offset, p) => {
  const o = writeCommon(v, offset, p);
  const r = p.record as KmsAnomaly;
  v[o] = r.eventId;
  v[o + 1] = r.provider;
  v[o + 2] = r.reason;
  v[o + 3] = r.raw;
};
