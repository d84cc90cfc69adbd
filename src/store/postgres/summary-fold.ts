import { IdIndex } from '../id-index.js';
import { COPY_SIGNATURE, copyBuffer, putBool, putInt4, putInt8, putNull } from './copy-binary.js';

/** Bytes of one delta row at most. */
const ROW_BYTES = 203;
import type { RequestColumns } from './request-columns.js';

/**
 * Folds the new requests of a batch into one delta row per client_summary key (cmid, product,
 * host, machine lower-case, minimum count) and per request_hosts host, in batch order and with the
 * rules of src/store/sqlite/summary.ts, so that the upserts of queries/summary.ts merge each delta
 * with the stored row exactly as SQLite does:
 *   - first request: earliest time; on a tie the earlier stored (lower id) stays;
 *   - latest request: later time, then higher record id, then the later stored (higher id) wins;
 *   - last_ok: newest time of a request answered 0x0.
 * Deltas live in typed arrays (one slot per key), not objects: a batch has tens of thousands.
 */
export class ClientFold {
  size = 0;
  /** Requests folded in (added, or merged from other folds). */
  requestCount = 0;
  private capacity: number;
  private cmid: Float64Array;
  private product: Float64Array;
  private host: Float64Array;
  private machineKey: Float64Array;
  private minimumCount: Float64Array;
  private requests: Float64Array;
  private firstSeen: Float64Array;
  private firstId: Float64Array;
  private firstMachine: Float64Array;
  private lastSeen: Float64Array;
  private lastRec: Float64Array;
  private lastId: Float64Array;
  private machine: Float64Array;
  private result: Float64Array;
  private licenseState: Float64Array;
  private minutesLeft: Float64Array;
  private isVm: Uint8Array;
  /** NaN: no successful request in the batch. */
  private lastOk: Float64Array;
  /** cmid → first slot of that cmid; `nextSlot` chains the others (numeric keys, no string per request). */
  private readonly byCmid: IdIndex;
  private nextSlot: Int32Array;
  readonly hosts = new Map<number, { requests: number; firstSeen: number; lastSeen: number }>();

  constructor(expected: number) {
    this.capacity = Math.max(16, expected);
    const f = () => new Float64Array(this.capacity);
    this.cmid = f();
    this.product = f();
    this.host = f();
    this.machineKey = f();
    this.minimumCount = f();
    this.requests = f();
    this.firstSeen = f();
    this.firstId = f();
    this.firstMachine = f();
    this.lastSeen = f();
    this.lastRec = f();
    this.lastId = f();
    this.machine = f();
    this.result = f();
    this.licenseState = f();
    this.minutesLeft = f();
    this.isVm = new Uint8Array(this.capacity);
    this.lastOk = f();
    this.nextSlot = new Int32Array(this.capacity);
    this.byCmid = new IdIndex(this.capacity);
  }

  /** Adds row i of `c`, a newly stored request with row id `id` (ids rise in batch order). */
  add(c: RequestColumns, i: number, id: number): void {
    const time = c.time[i];
    const ok = c.result[i] === 0 ? time : Number.NaN;
    this.requestCount++;
    const s = this.find(c.cmidId[i], c.productId[i], c.hostId[i], c.machineKeyId[i], c.minimumCount[i]);
    if (s < 0) {
      const n = this.slot(c.cmidId[i], c.productId[i], c.hostId[i], c.machineKeyId[i], c.minimumCount[i]);
      this.requests[n] = 1;
      this.firstSeen[n] = time;
      this.firstId[n] = id;
      this.firstMachine[n] = c.machineId[i];
      this.setLatest(n, c, i, id);
      this.lastOk[n] = ok;
    } else {
      this.requests[s]++;
      if (time < this.firstSeen[s]) {
        this.firstSeen[s] = time;
        this.firstId[s] = id;
        this.firstMachine[s] = c.machineId[i];
      }
      if (time > this.lastSeen[s] || (time === this.lastSeen[s] && c.recordOrder[i] >= this.lastRec[s])) this.setLatest(s, c, i, id);
      if (!Number.isNaN(ok) && (Number.isNaN(this.lastOk[s]) || ok > this.lastOk[s])) this.lastOk[s] = ok;
    }
    const h = this.hosts.get(c.hostId[i]);
    if (h === undefined) this.hosts.set(c.hostId[i], { requests: 1, firstSeen: time, lastSeen: time });
    else {
      h.requests++;
      if (time < h.firstSeen) h.firstSeen = time;
      if (time > h.lastSeen) h.lastSeen = time;
    }
  }

  /**
   * Folds the deltas of `other` (a later batch's, or an earlier one's: the rules are commutative)
   * into this one, as the client_summary upsert would merge them one after the other. Hosts are
   * not merged: request_hosts is written with each batch.
   */
  merge(other: ClientFold): void {
    this.requestCount += other.requestCount;
    for (let o = 0; o < other.size; o++) {
      const s = this.find(other.cmid[o], other.product[o], other.host[o], other.machineKey[o], other.minimumCount[o]);
      if (s < 0) {
        const n = this.slot(other.cmid[o], other.product[o], other.host[o], other.machineKey[o], other.minimumCount[o]);
        this.requests[n] = other.requests[o];
        this.firstSeen[n] = other.firstSeen[o];
        this.firstId[n] = other.firstId[o];
        this.firstMachine[n] = other.firstMachine[o];
        this.copyLatest(n, other, o);
        this.lastOk[n] = other.lastOk[o];
        continue;
      }
      this.requests[s] += other.requests[o];
      if (other.firstSeen[o] < this.firstSeen[s] || (other.firstSeen[o] === this.firstSeen[s] && other.firstId[o] < this.firstId[s])) {
        this.firstSeen[s] = other.firstSeen[o];
        this.firstId[s] = other.firstId[o];
        this.firstMachine[s] = other.firstMachine[o];
      }
      const newer =
        other.lastSeen[o] > this.lastSeen[s] ||
        (other.lastSeen[o] === this.lastSeen[s] &&
          (other.lastRec[o] > this.lastRec[s] || (other.lastRec[o] === this.lastRec[s] && other.lastId[o] > this.lastId[s])));
      if (newer) this.copyLatest(s, other, o);
      const ok = other.lastOk[o];
      if (!Number.isNaN(ok) && (Number.isNaN(this.lastOk[s]) || ok > this.lastOk[s])) this.lastOk[s] = ok;
    }
  }

  private copyLatest(s: number, other: ClientFold, o: number): void {
    this.lastSeen[s] = other.lastSeen[o];
    this.lastRec[s] = other.lastRec[o];
    this.lastId[s] = other.lastId[o];
    this.machine[s] = other.machine[o];
    this.result[s] = other.result[o];
    this.licenseState[s] = other.licenseState[o];
    this.minutesLeft[s] = other.minutesLeft[o];
    this.isVm[s] = other.isVm[o];
  }

  /**
   * The deltas as binary COPY rows of CLIENT_SUMMARY_COPY, sorted by the client_summary key:
   * the upsert then visits the table's key order once, and concurrent writers lock rows in one order.
   */
  encode(): Buffer {
    const order = this.keyOrder();
    const { buf, view: v } = copyBuffer(COPY_SIGNATURE.length + this.size * ROW_BYTES + 2);
    buf.set(COPY_SIGNATURE, 0);
    let p = COPY_SIGNATURE.length;
    for (let k = 0; k < this.size; k++) {
      const s = order[k];
      v.setInt16(p, 18);
      putInt8(v, p + 2, this.cmid[s]);
      putInt8(v, p + 14, this.product[s]);
      putInt8(v, p + 26, this.host[s]);
      putInt8(v, p + 38, this.machineKey[s]);
      putInt4(v, p + 50, this.minimumCount[s]);
      putInt8(v, p + 58, this.requests[s]);
      putInt8(v, p + 70, this.firstSeen[s]);
      putInt8(v, p + 82, this.firstId[s]);
      putInt8(v, p + 94, this.firstMachine[s]);
      putInt8(v, p + 106, this.lastSeen[s]);
      putInt8(v, p + 118, this.lastRec[s]);
      putInt8(v, p + 130, this.lastId[s]);
      putInt8(v, p + 142, this.machine[s]);
      putInt8(v, p + 154, this.result[s]);
      putInt4(v, p + 166, this.licenseState[s]);
      putInt8(v, p + 174, this.minutesLeft[s]);
      putBool(buf, v, p + 186, this.isVm[s] === 1);
      p += 191;
      if (Number.isNaN(this.lastOk[s])) {
        putNull(v, p);
        p += 4;
      } else {
        putInt8(v, p, this.lastOk[s]);
        p += 12;
      }
    }
    v.setInt16(p, -1);
    return buf.subarray(0, p + 2);
  }

  /**
   * Slots in key order. A comparator sort of a typed array calls back into JS for every
   * comparison (≈ 15 % of a writer's CPU at 50,000-request batches); the CMIDs, which nearly always
   * decide, are sorted natively as packed numbers (cmid × 2^bits + slot), and only runs of one
   * CMID are ordered by the rest of the key.
   */
  private keyOrder(): Int32Array {
    const n = this.size;
    const order = new Int32Array(n);
    const { cmid, product, host, machineKey, minimumCount } = this;
    const rest = (a: number, b: number) => product[a] - product[b] || host[a] - host[b] || machineKey[a] - machineKey[b] || minimumCount[a] - minimumCount[b];
    let maxCmid = 0;
    for (let k = 0; k < n; k++) if (cmid[k] > maxCmid) maxCmid = cmid[k];
    const span = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
    if ((maxCmid + 1) * span > Number.MAX_SAFE_INTEGER) {
      for (let k = 0; k < n; k++) order[k] = k;
      return order.sort((a, b) => cmid[a] - cmid[b] || rest(a, b));
    }
    const keys = new Float64Array(n);
    for (let k = 0; k < n; k++) keys[k] = cmid[k] * span + k;
    keys.sort();
    for (let k = 0; k < n; k++) order[k] = keys[k] % span;
    for (let start = 0; start < n; ) {
      let end = start + 1;
      while (end < n && cmid[order[end]] === cmid[order[start]]) end++;
      if (end - start > 1) order.subarray(start, end).sort(rest);
      start = end;
    }
    return order;
  }

  private setLatest(s: number, c: RequestColumns, i: number, id: number): void {
    this.lastSeen[s] = c.time[i];
    this.lastRec[s] = c.recordOrder[i];
    this.lastId[s] = id;
    this.machine[s] = c.machineId[i];
    this.result[s] = c.result[i];
    this.licenseState[s] = c.licenseState[i];
    this.minutesLeft[s] = c.minutesLeft[i];
    this.isVm[s] = c.isVm[i];
  }

  private find(cmid: number, product: number, host: number, machineKey: number, minimumCount: number): number {
    let s = this.byCmid.get(cmid);
    while (s >= 0) {
      if (this.product[s] === product && this.host[s] === host && this.machineKey[s] === machineKey && this.minimumCount[s] === minimumCount) return s;
      s = this.nextSlot[s];
    }
    return -1;
  }

  private slot(cmid: number, product: number, host: number, machineKey: number, minimumCount: number): number {
    if (this.size === this.capacity) this.grow();
    const n = this.size++;
    this.cmid[n] = cmid;
    this.product[n] = product;
    this.host[n] = host;
    this.machineKey[n] = machineKey;
    this.minimumCount[n] = minimumCount;
    this.nextSlot[n] = this.byCmid.get(cmid);
    this.byCmid.set(cmid, n);
    return n;
  }

  private grow(): void {
    this.capacity *= 2;
    const g = <T extends Float64Array | Uint8Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(this.capacity);
      b.set(a);
      return b;
    };
    this.cmid = g(this.cmid);
    this.product = g(this.product);
    this.host = g(this.host);
    this.machineKey = g(this.machineKey);
    this.minimumCount = g(this.minimumCount);
    this.requests = g(this.requests);
    this.firstSeen = g(this.firstSeen);
    this.firstId = g(this.firstId);
    this.firstMachine = g(this.firstMachine);
    this.lastSeen = g(this.lastSeen);
    this.lastRec = g(this.lastRec);
    this.lastId = g(this.lastId);
    this.machine = g(this.machine);
    this.result = g(this.result);
    this.licenseState = g(this.licenseState);
    this.minutesLeft = g(this.minutesLeft);
    this.isVm = g(this.isVm);
    this.lastOk = g(this.lastOk);
    this.nextSlot = g(this.nextSlot);
  }
}
