import type { KmsRecord, KmsRequest } from '../../kms/types.js';
import { checkBatchRecord, type PlannedRecord } from '../batch-plan.js';
import { hostKey } from '../dedup.js';
import { RequestColumns, type NumericColumn } from '../request-columns.js';
import type { ProvisionalIds } from './provisional-ids.js';
import type { PrefilledRequests } from './request-writer.js';

/**
 * A batch as the main thread hands it to the SQLite writer thread (threaded-writer.ts), prepared
 * as far as it can be without the database: every record checked; the requests' columns filled
 * (request-columns.ts) with dictionary ids the main thread knows and provisional ones for the rest
 * (provisional-ids.ts), their buffers transferred, not copied. Structured clone of request objects
 * cost about 12 µs each (measured for the HTTP ingest worker), as much as storing them. The
 * writer thread plans the batch (epochs, log clears) on stand-ins that carry what planBatch and
 * copies.ts read of a request (kind, host, channel, record id, time, source, zone); the other
 * record kinds are rare and travel as they are.
 */
export interface PreparedBatch {
  count: number;
  /** Positions in the batch of the records in `others`; every other position is a request. */
  otherAt: number[];
  others: KmsRecord[];
  requests: number;
  numeric: Record<NumericColumn, Float64Array | Int32Array | Uint8Array>;
  /** Client time texts, joined by NUL (an array when one holds a NUL). */
  clientTimes: string | string[];
  /** Per request: index into hosts and channels (as written), sources, and zones (-1: none). */
  hostAt: Int32Array;
  channelAt: Int32Array;
  sourceAt: Int32Array;
  zoneAt: Int32Array;
  hosts: string[];
  channels: string[];
  sources: string[];
  zones: string[];
  missingStrings: string[];
  missingProducts: [string, string, string][];
}

const SEPARATOR = '\u0000';

/** Throws the StoreError planBatch would for a record the tables cannot hold. */
export function prepareBatch(records: readonly KmsRecord[], ids: ProvisionalIds): { batch: PreparedBatch; transfer: ArrayBuffer[] } {
  const otherAt: number[] = [];
  const others: KmsRecord[] = [];
  const planned: PlannedRecord[] = [];
  const hostAt: number[] = [];
  const channelAt: number[] = [];
  const hosts: string[] = [];
  const channels: string[] = [];
  const sourceAt: number[] = [];
  const zoneAt: number[] = [];
  const sources: string[] = [];
  const zones: string[] = [];
  const hostIndex = new Map<string, number>();
  const channelIndex = new Map<string, number>();
  const sourceIndex = new Map<string, number>();
  const zoneIndex = new Map<string, number>();
  let prevSource = -1;
  let prevZone = -1;
  let prev: KmsRequest | undefined;
  let prevKey = '';
  let prevHost = -1;
  let prevChannel = -1;
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    checkBatchRecord(record, i);
    if (record.kind !== 'request') {
      otherAt.push(i);
      others.push(record);
      continue;
    }
    if (prev === undefined || record.host !== prev.host) {
      prevKey = hostKey(record.host);
      prevHost = indexOf(hostIndex, hosts, record.host);
    }
    if (prev === undefined || record.channel !== prev.channel) prevChannel = indexOf(channelIndex, channels, record.channel);
    // copies.ts names the source of shifted records and withholds the rest of a source read in a wrong zone
    if (prev === undefined || record.source !== prev.source) prevSource = indexOf(sourceIndex, sources, record.source);
    if (prev === undefined || record.timeZone !== prev.timeZone) prevZone = record.timeZone === undefined ? -1 : indexOf(zoneIndex, zones, record.timeZone);
    hostAt.push(prevHost);
    channelAt.push(prevChannel);
    sourceAt.push(prevSource);
    zoneAt.push(prevZone);
    planned.push({ record, hostKey: prevKey, epoch: 0 });
    prev = record;
  }
  ids.begin();
  const cols = new RequestColumns();
  cols.fill(planned, ids);
  const numeric = cols.numericColumns();
  const clientTimes = cols.clientTimeText.slice(0, cols.length);
  const joined = clientTimes.some((t) => t.includes(SEPARATOR)) ? clientTimes : clientTimes.join(SEPARATOR);
  const batch: PreparedBatch = {
    count: records.length,
    otherAt,
    others,
    requests: cols.length,
    numeric,
    clientTimes: joined,
    hostAt: Int32Array.from(hostAt),
    channelAt: Int32Array.from(channelAt),
    sourceAt: Int32Array.from(sourceAt),
    zoneAt: Int32Array.from(zoneAt),
    hosts,
    channels,
    sources,
    zones,
    missingStrings: ids.missingStrings,
    missingProducts: ids.missingProducts,
  };
  const transfer = [...Object.values(numeric).map((a) => a.buffer as ArrayBuffer), batch.hostAt.buffer as ArrayBuffer, batch.channelAt.buffer as ArrayBuffer, batch.sourceAt.buffer as ArrayBuffer, batch.zoneAt.buffer as ArrayBuffer];
  return { batch, transfer: [...new Set(transfer)] };
}

function indexOf(index: Map<string, number>, list: string[], value: string): number {
  let i = index.get(value);
  if (i === undefined) {
    i = list.push(value) - 1;
    index.set(value, i);
  }
  return i;
}

/** The writer thread's side: stand-ins in batch order, and the requests' columns. */
export function unpackBatch(batch: PreparedBatch): { standIns: KmsRecord[]; prefilled: PrefilledRequests } {
  const clientTimes = typeof batch.clientTimes === 'string' ? (batch.requests === 0 ? [] : batch.clientTimes.split(SEPARATOR)) : batch.clientTimes;
  const columns = RequestColumns.of(batch.requests, batch.numeric, clientTimes);
  const standIns: KmsRecord[] = new Array(batch.count);
  for (let k = 0; k < batch.otherAt.length; k++) standIns[batch.otherAt[k]] = batch.others[k];
  let j = 0;
  for (let i = 0; i < batch.count; i++) {
    if (standIns[i] !== undefined) continue;
    const order = columns.recordOrder[j];
    // what planBatch and copies.ts read of a request; the rest of the record is in the columns
    const standIn = {
      kind: 'request', host: batch.hosts[batch.hostAt[j]], channel: batch.channels[batch.channelAt[j]],
      recordId: order >= 0 ? order : null, time: columns.time[j], eventId: 12290, source: batch.sources[batch.sourceAt[j]],
    } as KmsRequest;
    if (batch.zoneAt[j] >= 0) standIn.timeZone = batch.zones[batch.zoneAt[j]];
    standIns[i] = standIn;
    j++;
  }
  return { standIns, prefilled: { columns, missingStrings: batch.missingStrings, missingProducts: batch.missingProducts } };
}
