import { IdIndex } from '../id-index.js';
import type { RequestColumns } from '../request-columns.js';

/**
 * client_summary changes of stored requests (one row per summary key: cmid, product, host, machine
 * lower-case, minimum count), kept in typed arrays: a batch's changes and the fold of several
 * batches (summary-sync.ts) hold hundreds of thousands of rows, and as objects they were a large
 * share of the garbage collector's work. The rules are those of the upsert (queries/summary.ts),
 * comparing ids explicitly so that the result does not depend on the order rows are folded in:
 *   - first request: earliest (time, id);
 *   - latest request: greatest (time, record id or -1, id);
 *   - last_ok: newest time of a request answered 0x0 (NaN: none).
 */
export class SummaryDeltas {
  /** Rows in use. */
  size = 0;
  /** Requests folded in. */
  requests = 0;

  cmidId = new Float64Array(0);
  productId = new Float64Array(0);
  hostId = new Float64Array(0);
  machineKeyId = new Float64Array(0);
  minimumCount = new Int32Array(0);
  count = new Float64Array(0);
  firstSeen = new Float64Array(0);
  firstId = new Float64Array(0);
  firstMachineId = new Float64Array(0);
  lastSeen = new Float64Array(0);
  lastRec = new Float64Array(0);
  lastId = new Float64Array(0);
  machineId = new Float64Array(0);
  result = new Float64Array(0);
  licenseState = new Int32Array(0);
  minutesLeft = new Float64Array(0);
  isVm = new Uint8Array(0);
  lastOk = new Float64Array(0);

  /** cmid id → its first row; further rows of the same CMID are chained through `next`. */
  private readonly firstOf = new IdIndex();
  private next = new Int32Array(0);
  /** addSortedRequest: the CMID being folded and its first row. */
  private runCmid = -1;
  private runStart = 0;

  clear(): void {
    this.size = 0;
    this.requests = 0;
    this.firstOf.clear();
    this.runCmid = -1;
    this.runStart = 0;
  }

  /**
   * Folds request row `i` of `cols`, stored with id `id`. Rows come in CMID order (a batch's,
   * request-writer.ts): a row's key can only be among the rows of its CMID folded just before, so
   * no map is kept. Such deltas are merged into others (merge), never looked up themselves.
   */
  addSortedRequest(cols: RequestColumns, i: number, id: number): void {
    const cmidId = cols.cmidId[i];
    if (cmidId !== this.runCmid) {
      this.runCmid = cmidId;
      this.runStart = this.size;
    }
    let slot = -1;
    for (let s = this.runStart; s < this.size; s++) {
      if (this.productId[s] === cols.productId[i] && this.hostId[s] === cols.hostId[i] && this.machineKeyId[s] === cols.machineKeyId[i] && this.minimumCount[s] === cols.minimumCount[i]) {
        slot = s;
        break;
      }
    }
    this.fold(cols, i, id, slot);
  }

  private fold(cols: RequestColumns, i: number, id: number, slot: number): void {
    this.requests++;
    const time = cols.time[i];
    const ok = cols.result[i] === 0 ? time : Number.NaN;
    if (slot < 0) {
      const s = this.append(cols.cmidId[i], cols.productId[i], cols.hostId[i], cols.machineKeyId[i], cols.minimumCount[i], false);
      this.count[s] = 1;
      this.setFirst(s, time, id, cols.machineId[i]);
      this.setLatest(s, time, cols.recordOrder[i], id, cols.machineId[i], cols.result[i], cols.licenseState[i], cols.minutesLeft[i], cols.isVm[i]);
      this.lastOk[s] = ok;
      return;
    }
    this.count[slot]++;
    if (this.isEarlier(slot, time, id)) this.setFirst(slot, time, id, cols.machineId[i]);
    const rec = cols.recordOrder[i];
    if (this.isLater(slot, time, rec, id)) {
      this.setLatest(slot, time, rec, id, cols.machineId[i], cols.result[i], cols.licenseState[i], cols.minutesLeft[i], cols.isVm[i]);
    }
    if (ok > this.lastOk[slot] || (Number.isNaN(this.lastOk[slot]) && !Number.isNaN(ok))) this.lastOk[slot] = ok;
  }

  /** Folds every row of `other` in. */
  merge(other: SummaryDeltas): void {
    this.requests += other.requests;
    for (let o = 0; o < other.size; o++) {
      const slot = this.find(other.cmidId[o], other.productId[o], other.hostId[o], other.machineKeyId[o], other.minimumCount[o]);
      if (slot < 0) {
        this.copyRow(other, o);
        continue;
      }
      this.count[slot] += other.count[o];
      if (this.isEarlier(slot, other.firstSeen[o], other.firstId[o])) this.setFirst(slot, other.firstSeen[o], other.firstId[o], other.firstMachineId[o]);
      if (this.isLater(slot, other.lastSeen[o], other.lastRec[o], other.lastId[o])) {
        this.setLatest(slot, other.lastSeen[o], other.lastRec[o], other.lastId[o], other.machineId[o], other.result[o], other.licenseState[o], other.minutesLeft[o], other.isVm[o]);
      }
      const ok = other.lastOk[o];
      if (ok > this.lastOk[slot] || (Number.isNaN(this.lastOk[slot]) && !Number.isNaN(ok))) this.lastOk[slot] = ok;
    }
  }

  /** Row indexes in CMID order (rows of one CMID share a page of client_summary's primary key). */
  cmidOrder(): Int32Array {
    const order = new Int32Array(this.size);
    for (let s = 0; s < this.size; s++) order[s] = s;
    const cmid = this.cmidId;
    return order.sort((a, b) => cmid[a] - cmid[b] || a - b);
  }

  /** Writes row `s` as client_summary values (CLIENT_SUMMARY_COLUMNS of summary.ts) at v[o..]. */
  writeRow(v: unknown[], o: number, s: number): void {
    v[o] = this.cmidId[s];
    v[o + 1] = this.productId[s];
    v[o + 2] = this.hostId[s];
    v[o + 3] = this.machineKeyId[s];
    v[o + 4] = this.minimumCount[s];
    v[o + 5] = this.count[s];
    v[o + 6] = this.firstSeen[s];
    v[o + 7] = this.firstId[s];
    v[o + 8] = this.firstMachineId[s];
    v[o + 9] = this.lastSeen[s];
    v[o + 10] = this.lastRec[s];
    v[o + 11] = this.lastId[s];
    v[o + 12] = this.machineId[s];
    v[o + 13] = this.result[s];
    v[o + 14] = this.licenseState[s];
    v[o + 15] = this.minutesLeft[s];
    v[o + 16] = this.isVm[s];
    v[o + 17] = Number.isNaN(this.lastOk[s]) ? null : this.lastOk[s];
  }

  private isEarlier(s: number, time: number, id: number): boolean {
    return time < this.firstSeen[s] || (time === this.firstSeen[s] && id < this.firstId[s]);
  }

  private isLater(s: number, time: number, rec: number, id: number): boolean {
    const t = this.lastSeen[s];
    if (time !== t) return time > t;
    const r = this.lastRec[s];
    return rec > r || (rec === r && id > this.lastId[s]);
  }

  private setFirst(s: number, time: number, id: number, machineId: number): void {
    this.firstSeen[s] = time;
    this.firstId[s] = id;
    this.firstMachineId[s] = machineId;
  }

  private setLatest(s: number, time: number, rec: number, id: number, machineId: number, result: number, licenseState: number, minutesLeft: number, isVm: number): void {
    this.lastSeen[s] = time;
    this.lastRec[s] = rec;
    this.lastId[s] = id;
    this.machineId[s] = machineId;
    this.result[s] = result;
    this.licenseState[s] = licenseState;
    this.minutesLeft[s] = minutesLeft;
    this.isVm[s] = isVm;
  }

  private find(cmidId: number, productId: number, hostId: number, machineKeyId: number, minimumCount: number): number {
    let s = this.firstOf.get(cmidId);
    while (s >= 0) {
      if (this.productId[s] === productId && this.hostId[s] === hostId && this.machineKeyId[s] === machineKeyId && this.minimumCount[s] === minimumCount) return s;
      s = this.next[s];
    }
    return -1;
  }

  private append(cmidId: number, productId: number, hostId: number, machineKeyId: number, minimumCount: number, indexed = true): number {
    if (this.size === this.cmidId.length) this.grow();
    const s = this.size++;
    this.cmidId[s] = cmidId;
    this.productId[s] = productId;
    this.hostId[s] = hostId;
    this.machineKeyId[s] = machineKeyId;
    this.minimumCount[s] = minimumCount;
    if (indexed) {
      this.next[s] = this.firstOf.get(cmidId);
      this.firstOf.set(cmidId, s);
    }
    return s;
  }

  private copyRow(other: SummaryDeltas, o: number): void {
    const s = this.append(other.cmidId[o], other.productId[o], other.hostId[o], other.machineKeyId[o], other.minimumCount[o]);
    this.count[s] = other.count[o];
    this.setFirst(s, other.firstSeen[o], other.firstId[o], other.firstMachineId[o]);
    this.setLatest(s, other.lastSeen[o], other.lastRec[o], other.lastId[o], other.machineId[o], other.result[o], other.licenseState[o], other.minutesLeft[o], other.isVm[o]);
    this.lastOk[s] = other.lastOk[o];
  }

  private grow(): void {
    const size = Math.max(1024, this.cmidId.length * 2);
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.cmidId = f64(this.cmidId);
    this.productId = f64(this.productId);
    this.hostId = f64(this.hostId);
    this.machineKeyId = f64(this.machineKeyId);
    this.minimumCount = i32(this.minimumCount);
    this.count = f64(this.count);
    this.firstSeen = f64(this.firstSeen);
    this.firstId = f64(this.firstId);
    this.firstMachineId = f64(this.firstMachineId);
    this.lastSeen = f64(this.lastSeen);
    this.lastRec = f64(this.lastRec);
    this.lastId = f64(this.lastId);
    this.machineId = f64(this.machineId);
    this.result = f64(this.result);
    this.licenseState = i32(this.licenseState);
    this.minutesLeft = f64(this.minutesLeft);
    const vm = new Uint8Array(size);
    vm.set(this.isVm);
    this.isVm = vm;
    this.lastOk = f64(this.lastOk);
    this.next = i32(this.next);
  }
}
