import type { KmsAnomaly, KmsClientEvent, KmsHostEvent, KmsRequest } from '../kms/types.js';
import type { PlannedRecord } from './batch-plan.js';
import { dedupKey, dedupRec } from './dedup.js';
import type { Dictionary } from './dictionary.js';

/**
 * Column order of each event table and writers that put one record's values in that order at
 * values[offset..], shared by the backends' bulk paths.
 *
 * Requests go through `NarrowRequest` first: the record with every repeated string replaced by its
 * dictionary id (src/store/dictionary.ts), as the narrow requests table stores it. The SQLite
 * writer also folds these rows into the summary tables.
 */
const COMMON = ['host', 'host_key', 'channel', 'record_id', 'time', 'dedup_key', 'epoch', 'source'] as const;

export const REQUEST_COLUMNS = [
  'host_id', 'second', 'channel_id', 'rec', 'time', 'epoch', 'host_name_id', 'source_id', 'result',
  'result_hex_id', 'minimum_count', 'machine_id', 'machine_key_id', 'cmid_id', 'product_id',
  'client_time_text', 'client_time', 'is_vm', 'license_state', 'minutes_left',
] as const;

export const HOST_EVENT_COLUMNS = [...COMMON, 'event_id', 'type', 'result_hex', 'domain', 'detail'] as const;

export const CLIENT_EVENT_COLUMNS = [...COMMON, 'event_id', 'result', 'result_hex', 'fields'] as const;

export const ANOMALY_COLUMNS = [...COMMON, 'event_id', 'provider', 'reason', 'raw'] as const;

export type BoolValue = (b: boolean) => unknown;
export type PlannedWriter = (values: unknown[], offset: number, p: PlannedRecord) => void;

/** One request as the narrow table holds it (ids from the dictionary). */
export interface NarrowRequest {
  hostId: number;
  second: number;
  channelId: number;
  rec: number;
  time: number;
  epoch: number;
  hostNameId: number;
  sourceId: number;
  result: number;
  resultHexId: number;
  minimumCount: number;
  machineId: number;
  machineKeyId: number;
  cmidId: number;
  productId: number;
  clientTimeText: string;
  clientTime: number | null;
  isVm: boolean;
  licenseState: number;
  minutesLeft: number;
  /** Record id or -1 (the "latest" tie-breaker after time). */
  recordOrder: number;
}

/** The strings of a request that the dictionary must know before narrowRequest() runs. */
export function requestStrings(p: PlannedRecord, out: (value: string) => void): void {
  const r = p.record as KmsRequest;
  out(p.hostKey);
  out(r.host);
  out(r.channel);
  out(r.source);
  out(r.resultHex);
  out(r.machine);
  out(r.machine.toLowerCase());
  out(r.cmid.toLowerCase());
}

export function productKeyOf(r: KmsRequest): [activationId: string, name: string, application: string] {
  return [r.activationId.toLowerCase(), r.product.name, r.product.application];
}

/**
 * narrowRequest over a batch in order. Consecutive requests usually share host, channel, source,
 * result text and product: those ids are taken from the previous row when its value is the same,
 * which saves most dictionary lookups (hashing fresh strings) on the bulk path.
 */
export function narrowBatch(planned: readonly PlannedRecord[], ids: Dictionary): NarrowRequest[] {
  const out = new Array<NarrowRequest>(planned.length);
  let prev: Previous | undefined;
  for (let i = 0; i < planned.length; i++) {
    const p = planned[i];
    const narrow = narrowRequest(p, ids, prev);
    out[i] = narrow;
    prev = { hostKey: p.hostKey, record: p.record as KmsRequest, narrow };
  }
  return out;
}

interface Previous {
  hostKey: string;
  record: KmsRequest;
  narrow: NarrowRequest;
}

export function narrowRequest(p: PlannedRecord, ids: Dictionary, prev?: Previous): NarrowRequest {
  const r = p.record as KmsRequest;
  const q = prev?.record;
  const n = prev?.narrow;
  let productId: number;
  if (q !== undefined && n !== undefined && q.product === r.product && q.activationId === r.activationId) productId = n.productId;
  else productId = ids.productId(...productKeyOf(r));
  return {
    hostId: n !== undefined && prev?.hostKey === p.hostKey ? n.hostId : ids.id(p.hostKey),
    second: Math.floor(r.time / 1000),
    channelId: n !== undefined && q?.channel === r.channel ? n.channelId : ids.id(r.channel),
    rec: dedupRec(r),
    time: r.time,
    epoch: p.epoch,
    hostNameId: n !== undefined && q?.host === r.host ? n.hostNameId : ids.id(r.host),
    sourceId: n !== undefined && q?.source === r.source ? n.sourceId : ids.id(r.source),
    result: r.result,
    resultHexId: n !== undefined && q?.resultHex === r.resultHex ? n.resultHexId : ids.id(r.resultHex),
    minimumCount: r.minimumCount,
    machineId: ids.id(r.machine),
    machineKeyId: ids.lowerId !== undefined ? ids.lowerId(r.machine) : ids.id(r.machine.toLowerCase()),
    cmidId: ids.lowerId !== undefined ? ids.lowerId(r.cmid) : ids.id(r.cmid.toLowerCase()),
    productId,
    clientTimeText: r.clientTimeText,
    clientTime: r.clientTime,
    isVm: r.isVm,
    licenseState: r.licenseState,
    minutesLeft: r.minutesLeft,
    recordOrder: r.recordId ?? -1,
  };
}

/** Writes the REQUEST_COLUMNS values of one narrow row at v[o..]. */
export function writeNarrowRequest(v: unknown[], o: number, n: NarrowRequest, bool: BoolValue): void {
  v[o] = n.hostId;
  v[o + 1] = n.second;
  v[o + 2] = n.channelId;
  v[o + 3] = n.rec;
  v[o + 4] = n.time;
  v[o + 5] = n.epoch;
  v[o + 6] = n.hostNameId;
  v[o + 7] = n.sourceId;
  v[o + 8] = n.result;
  v[o + 9] = n.resultHexId;
  v[o + 10] = n.minimumCount;
  v[o + 11] = n.machineId;
  v[o + 12] = n.machineKeyId;
  v[o + 13] = n.cmidId;
  v[o + 14] = n.productId;
  v[o + 15] = n.clientTimeText;
  v[o + 16] = n.clientTime;
  v[o + 17] = bool(n.isVm);
  v[o + 18] = n.licenseState;
  v[o + 19] = n.minutesLeft;
}

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
};

export const writeAnomaly: PlannedWriter = (v, offset, p) => {
  const o = writeCommon(v, offset, p);
  const r = p.record as KmsAnomaly;
  v[o] = r.eventId;
  v[o + 1] = r.provider;
  v[o + 2] = r.reason;
  v[o + 3] = r.raw;
};
