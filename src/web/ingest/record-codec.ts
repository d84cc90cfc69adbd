/**
 * Moves a parsed body from an ingest worker to the main thread cheaply. Structured clone of
 * KmsRecord objects costs the main thread about as much as parsing the body itself did (measured:
 * ~12 µs per request record, JSON.parse more), so requests travel as columns instead: numbers in
 * a transferred Float64Array, strings as indexes into one table of distinct strings sent as a
 * single joined string. The main thread rebuilds plain objects (and looks the product up again,
 * a shared frozen object for known products). The rare other records travel as they are.
 */
import { lookupProduct } from '../../kms/products.js';
import type { KmsRecord, KmsRequest } from '../../kms/types.js';
import type { EventOrigin, InputFormat, InputIssue } from '../../sources/types.js';
import type { ParsedBody, ParsedDamage } from './parse-body.js';

/** eventId, recordId, time, result, minimumCount, clientTime, licenseState, minutesLeft, flags */
const NUMS = 9;
/** host, channel, source, resultHex, machine, cmid, clientTimeText, activationId */
const STRS = 8;
const NO_RECORD_ID = 1;
const NO_CLIENT_TIME = 2;
const IS_VM = 4;
/** The time was read as wall-clock time in EncodedBody.zone (KmsRecord.timeZone). */
const LOCAL_TIME = 8;
/** Joins the string table; a table holding it anywhere is sent as an array instead. */
const SEPARATOR = '\u0000';

export interface EncodedBody {
  events: number;
  ignored: number;
  issues: InputIssue[];
  issueAt: number[];
  notes: InputIssue[];
  /** Few (a damaged chunk holds a few hundred records): sent as they are. */
  damaged: ParsedDamage[];
  damagedSkipped: number;
  /** The zone the requests' local times were read in (one body is read in one zone). */
  zone: string | null;
  count: number;
  /** Per record: index into `others`, or -1 for a request (taken from the columns in order). */
  otherAt: Int32Array;
  others: KmsRecord[];
  nums: Float64Array;
  strs: Int32Array;
  table: string | string[];
  /** Per record: origin line and index (NaN = absent), then file and format as table indexes. */
  originNums: Float64Array;
  originStrs: Int32Array;
}

class StringTable {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  packed(): string | string[] {
    for (const v of this.values) if (v.includes(SEPARATOR)) return this.values;
    return this.values.join(SEPARATOR);
  }
}

export function encodeBody(parsed: ParsedBody): { message: EncodedBody; transfer: ArrayBuffer[] } {
  const { records } = parsed;
  const count = records.length;
  let requests = 0;
  for (const r of records) if (r.kind === 'request') requests++;
  const table = new StringTable();
  const nums = new Float64Array(requests * NUMS);
  const strs = new Int32Array(requests * STRS);
  const otherAt = new Int32Array(count);
  const originNums = new Float64Array(count * 2);
  const originStrs = new Int32Array(count * 2);
  const others: KmsRecord[] = [];
  let q = 0;
  let prev: KmsRequest | null = null;
  let prevOrigin: EventOrigin | null = null;
  let zone: string | null = null;
  for (let i = 0; i < count; i++) {
    const r = records[i];
    const o = parsed.originOf(i);
    originNums[i * 2] = o.line ?? Number.NaN;
    originNums[i * 2 + 1] = o.index ?? Number.NaN;
    if (prevOrigin !== null && o.file === prevOrigin.file && o.format === prevOrigin.format) {
      originStrs[i * 2] = originStrs[i * 2 - 2];
      originStrs[i * 2 + 1] = originStrs[i * 2 - 1];
    } else {
      originStrs[i * 2] = table.id(o.file);
      originStrs[i * 2 + 1] = table.id(o.format);
    }
    prevOrigin = o;
    if (r.kind !== 'request') {
      otherAt[i] = others.length;
      others.push(r);
      continue;
    }
    otherAt[i] = -1;
    const n = q * NUMS;
    nums[n] = r.eventId;
    nums[n + 1] = r.recordId ?? 0;
    nums[n + 2] = r.time;
    nums[n + 3] = r.result;
    nums[n + 4] = r.minimumCount;
    nums[n + 5] = r.clientTime ?? 0;
    nums[n + 6] = r.licenseState;
    nums[n + 7] = r.minutesLeft;
    nums[n + 8] = (r.recordId === null ? NO_RECORD_ID : 0) | (r.clientTime === null ? NO_CLIENT_TIME : 0) | (r.isVm ? IS_VM : 0) | (r.timeZone !== undefined ? LOCAL_TIME : 0);
    if (r.timeZone !== undefined) zone ??= r.timeZone;
    const s = q * STRS;
    // host, channel, source, result and product mostly repeat the previous request's: reuse its ids
    if (prev === null || r.host !== prev.host) strs[s] = table.id(r.host);
    else strs[s] = strs[s - STRS];
    if (prev === null || r.channel !== prev.channel) strs[s + 1] = table.id(r.channel);
    else strs[s + 1] = strs[s + 1 - STRS];
    if (prev === null || r.source !== prev.source) strs[s + 2] = table.id(r.source);
    else strs[s + 2] = strs[s + 2 - STRS];
    if (prev === null || r.resultHex !== prev.resultHex) strs[s + 3] = table.id(r.resultHex);
    else strs[s + 3] = strs[s + 3 - STRS];
    strs[s + 4] = table.id(r.machine);
    strs[s + 5] = table.id(r.cmid);
    strs[s + 6] = table.id(r.clientTimeText);
    if (prev === null || r.activationId !== prev.activationId) strs[s + 7] = table.id(r.activationId);
    else strs[s + 7] = strs[s + 7 - STRS];
    prev = r;
    q++;
  }
  const message: EncodedBody = {
    events: parsed.events, ignored: parsed.ignored, issues: parsed.issues, issueAt: parsed.issueAt,
    notes: parsed.notes, damaged: parsed.damaged, damagedSkipped: parsed.damagedSkipped, zone,
    count, otherAt, others, nums, strs, table: table.packed(), originNums, originStrs,
  };
  return { message, transfer: [nums.buffer, strs.buffer, otherAt.buffer, originNums.buffer, originStrs.buffer] as ArrayBuffer[] };
}

export function decodeBody(m: EncodedBody): ParsedBody {
  const table = typeof m.table === 'string' ? m.table.split(SEPARATOR) : m.table;
  const { nums, strs, otherAt, others, originNums, originStrs } = m;
  const records = new Array<KmsRecord>(m.count);
  let q = 0;
  // consecutive requests mostly name the same product: look it up once per run
  let lastActivationId = '';
  let lastProduct = lookupProduct('');
  for (let i = 0; i < m.count; i++) {
    if (otherAt[i] >= 0) {
      records[i] = others[otherAt[i]];
      continue;
    }
    const n = q * NUMS;
    const s = q * STRS;
    const flags = nums[n + 8];
    const activationId = table[strs[s + 7]];
    if (activationId !== lastActivationId) {
      lastActivationId = activationId;
      lastProduct = lookupProduct(activationId);
    }
    const request: KmsRequest = {
      kind: 'request',
      host: table[strs[s]],
      channel: table[strs[s + 1]],
      eventId: nums[n],
      recordId: flags & NO_RECORD_ID ? null : nums[n + 1],
      time: nums[n + 2],
      source: table[strs[s + 2]],
      result: nums[n + 3],
      resultHex: table[strs[s + 3]],
      minimumCount: nums[n + 4],
      machine: table[strs[s + 4]],
      cmid: table[strs[s + 5]],
      clientTimeText: table[strs[s + 6]],
      clientTime: flags & NO_CLIENT_TIME ? null : nums[n + 5],
      isVm: (flags & IS_VM) !== 0,
      licenseState: nums[n + 6],
      minutesLeft: nums[n + 7],
      activationId,
      product: lastProduct,
    };
    if (flags & LOCAL_TIME && m.zone !== null) request.timeZone = m.zone;
    records[i] = request;
    q++;
  }
  const originOf = (i: number): EventOrigin => {
    const line = originNums[i * 2];
    const index = originNums[i * 2 + 1];
    return {
      file: table[originStrs[i * 2]],
      format: table[originStrs[i * 2 + 1]] as InputFormat,
      ...(Number.isNaN(line) ? {} : { line }),
      ...(Number.isNaN(index) ? {} : { index }),
    };
  };
  return {
    events: m.events, ignored: m.ignored, records, originOf, issues: m.issues, issueAt: m.issueAt,
    notes: m.notes, damaged: m.damaged, damagedSkipped: m.damagedSkipped,
  };
}
