import type { KmsRequest } from '../kms/types.js';
import type { PlannedRecord } from './batch-plan.js';
import { productKeyOf } from './columns.js';
import { dedupRec } from './dedup.js';
import type { Dictionary } from './dictionary.js';

/**
 * The requests of a batch as columns: the narrow row of each request (REQUEST_COLUMNS of
 * columns.ts, strings replaced by dictionary ids) in typed arrays, one entry per request in batch
 * order. The bulk path builds no object per request: at 10 M requests the garbage of one object per
 * row was a seventh of the ingest time. The arrays are kept and reused by the next batch.
 */
const NUMERIC_COLUMNS = [
  'hostId', 'second', 'channelId', 'rec', 'time', 'epoch', 'hostNameId', 'sourceId', 'result', 'resultHexId', 'minimumCount',
  'machineId', 'machineKeyId', 'cmidId', 'productId', 'clientTime', 'isVm', 'licenseState', 'minutesLeft', 'recordOrder',
] as const;
export type NumericColumn = (typeof NUMERIC_COLUMNS)[number];

export class RequestColumns {
  length = 0;
  hostId = new Float64Array(0);
  second = new Float64Array(0);
  channelId = new Float64Array(0);
  /** Dedup identity within (host, channel, second): record id, or negative content hash (dedup.ts). */
  rec = new Float64Array(0);
  time = new Float64Array(0);
  epoch = new Int32Array(0);
  hostNameId = new Float64Array(0);
  sourceId = new Float64Array(0);
  /** HRESULT, unsigned 32-bit. */
  result = new Float64Array(0);
  resultHexId = new Float64Array(0);
  minimumCount = new Int32Array(0);
  machineId = new Float64Array(0);
  machineKeyId = new Float64Array(0);
  cmidId = new Float64Array(0);
  productId = new Float64Array(0);
  clientTimeText: string[] = [];
  /** NaN when the client time could not be parsed (stored as NULL). */
  clientTime = new Float64Array(0);
  isVm = new Uint8Array(0);
  licenseState = new Int32Array(0);
  minutesLeft = new Float64Array(0);
  /** Record id, or -1 without one: the tie-breaker of "latest" after the time. */
  recordOrder = new Float64Array(0);

  /** The typed arrays, for moving the columns to another thread (transfer their buffers). */
  numericColumns(): Record<NumericColumn, Float64Array | Int32Array | Uint8Array> {
    const out = {} as Record<NumericColumn, Float64Array | Int32Array | Uint8Array>;
    for (const name of NUMERIC_COLUMNS) out[name] = this[name].subarray(0, this.length);
    return out;
  }

  /** Columns of `length` rows over arrays made by numericColumns() (on another thread). */
  static of(length: number, numeric: Record<NumericColumn, Float64Array | Int32Array | Uint8Array>, clientTimeText: string[]): RequestColumns {
    const cols = new RequestColumns();
    Object.assign(cols, numeric);
    cols.clientTimeText = clientTimeText;
    cols.length = length;
    return cols;
  }

  /** Empties the columns and makes room for `n` rows. */
  reset(n: number): void {
    this.length = 0;
    if (this.time.length >= n) return;
    const size = Math.max(n, Math.ceil(this.time.length * 1.5));
    this.hostId = new Float64Array(size);
    this.second = new Float64Array(size);
    this.channelId = new Float64Array(size);
    this.rec = new Float64Array(size);
    this.time = new Float64Array(size);
    this.epoch = new Int32Array(size);
    this.hostNameId = new Float64Array(size);
    this.sourceId = new Float64Array(size);
    this.result = new Float64Array(size);
    this.resultHexId = new Float64Array(size);
    this.minimumCount = new Int32Array(size);
    this.machineId = new Float64Array(size);
    this.machineKeyId = new Float64Array(size);
    this.cmidId = new Float64Array(size);
    this.productId = new Float64Array(size);
    this.clientTimeText = new Array<string>(size);
    this.clientTime = new Float64Array(size);
    this.isVm = new Uint8Array(size);
    this.licenseState = new Int32Array(size);
    this.minutesLeft = new Float64Array(size);
    this.recordOrder = new Float64Array(size);
  }

  /**
   * Appends the requests of `planned` (all of kind 'request'). Consecutive requests usually share
   * host, channel, source, result text and product: those ids are taken from the previous row when
   * its value is the same, which saves most dictionary lookups (hashing fresh strings).
   */
  fill(planned: readonly PlannedRecord[], ids: Dictionary): void {
    this.reset(planned.length);
    let prev: KmsRequest | undefined;
    let prevHostKey = '';
    let hostId = 0;
    let hostNameId = 0;
    let channelId = 0;
    let sourceId = 0;
    let resultHexId = 0;
    let productId = 0;
    const lower = ids.lowerId !== undefined ? ids.lowerId.bind(ids) : (v: string) => ids.id(v.toLowerCase());
    for (let i = 0; i < planned.length; i++) {
      const p = planned[i];
      const r = p.record as KmsRequest;
      if (prev === undefined || p.hostKey !== prevHostKey) hostId = ids.id(p.hostKey);
      if (prev === undefined || r.host !== prev.host) hostNameId = ids.id(r.host);
      if (prev === undefined || r.channel !== prev.channel) channelId = ids.id(r.channel);
      if (prev === undefined || r.source !== prev.source) sourceId = ids.id(r.source);
      if (prev === undefined || r.resultHex !== prev.resultHex) resultHexId = ids.id(r.resultHex);
      if (prev === undefined || r.product !== prev.product || r.activationId !== prev.activationId) productId = ids.productId(...productKeyOf(r));
      this.hostId[i] = hostId;
      this.second[i] = Math.floor(r.time / 1000);
      this.channelId[i] = channelId;
      this.rec[i] = dedupRec(r);
      this.time[i] = r.time;
      this.epoch[i] = p.epoch;
      this.hostNameId[i] = hostNameId;
      this.sourceId[i] = sourceId;
      this.result[i] = r.result;
      this.resultHexId[i] = resultHexId;
      this.minimumCount[i] = r.minimumCount;
      if (ids.machineIds !== undefined) {
        const machine = ids.machineIds(r.machine);
        this.machineId[i] = machine.id;
        this.machineKeyId[i] = machine.keyId;
        if (machine.lastCmid === r.cmid) this.cmidId[i] = machine.lastCmidId!;
        else {
          const cmidId = lower(r.cmid);
          this.cmidId[i] = cmidId;
          if (machine.cacheable && cmidId > 0) {
            machine.lastCmid = r.cmid;
            machine.lastCmidId = cmidId;
          }
        }
      } else {
        this.machineId[i] = ids.id(r.machine);
        this.machineKeyId[i] = lower(r.machine);
        this.cmidId[i] = lower(r.cmid);
      }
      this.productId[i] = productId;
      this.clientTimeText[i] = r.clientTimeText;
      this.clientTime[i] = r.clientTime ?? Number.NaN;
      this.isVm[i] = r.isVm ? 1 : 0;
      this.licenseState[i] = r.licenseState;
      this.minutesLeft[i] = r.minutesLeft;
      this.recordOrder[i] = r.recordId ?? -1;
      prev = r;
      prevHostKey = p.hostKey;
    }
    this.length = planned.length;
  }
}
