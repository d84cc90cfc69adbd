import type Database from 'better-sqlite3';
import type { PlannedRecord } from '../batch-plan.js';
import { REQUEST_COLUMNS } from '../columns.js';
import { DictionaryCache } from '../dictionary.js';
import { REQUEST_CMID_BUCKET_BITS } from '../migrations/0400-sqlite-bulk-layout.js';
import { REQUEST_HOSTS_CONFLICT } from '../queries/summary.js';
import { RequestColumns } from '../request-columns.js';
import { StoreError } from '../types.js';
import { BulkInsert } from './bulk-insert.js';
import { SummaryDeltas } from './summary-delta.js';
import { REQUEST_HOSTS_COLUMNS, writeHostDelta, type HostDelta } from './summary.js';

const BUCKET_SIZE = 2 ** REQUEST_CMID_BUCKET_BITS;
/** Row positions are packed below the CMID id in one sort key (see cmidOrder). */
const POSITION_BITS = 21;
const POSITION_SPAN = 2 ** POSITION_BITS;

/** A batch's request columns filled on the main thread, and what its provisional ids stand for. */
export interface PrefilledRequests {
  columns: RequestColumns;
  /** Provisional id −1 − i stands for missingStrings[i] (missingProducts[i] in productId). */
  missingStrings: string[];
  missingProducts: [string, string, string][];
  /** Set by writePrefilled: the ids found for them, for the main thread's cache. */
  stringIds?: number[];
  productIds?: number[];
}

export interface WrittenRequests {
  /** Requests stored (new ones). */
  stored: number;
  /** Highest request id after the batch. */
  maxId: number;
  /** The batch's changes to client_summary (written by summary-sync.ts); reused by the next batch. */
  deltas: SummaryDeltas;
}

/**
 * Writes the requests of a batch inside the caller's IMMEDIATE transaction (which makes every read
 * here current: no other writer runs meanwhile), in steps the store interleaves with the batch plan:
 *   1. resolves strings and products to ids (cached per store instance, see dictionary.ts) into
 *      columns (request-columns.ts): columnsOf / columnsOfPrefilled;
 *   2. finds the duplicates up front: keys already stored (one index range read per host and
 *      channel of the batch) and repeats inside the batch, so that every remaining row is new; and
 *      the seconds where rows the key cannot compare with are stored (copies.ts): freshRows;
 *   then, given the rows to store and their epochs (insertRows):
 *   3. inserts them with explicit ids (next after the highest) in multi-row statements, in time
 *      order: the table and its dedup index grow at their ends;
 *   4. inserts their request_cmids entries sorted by (bucket, cmid, id), so a batch touches each
 *      page of the newest bucket once (migration 0400);
 *   5. folds them into request_hosts (a few rows, upserted now) and into client_summary deltas,
 *      which the caller hands to summary-sync.ts.
 * Knowing which rows are new before inserting is what lets the summaries count each request once.
 */
export class SqliteRequestWriter {
  readonly dictionary: DictionaryCache;
  private readonly cols = new RequestColumns();
  private readonly deltas = new SummaryDeltas();
  private readonly insert: BulkInsert;
  private readonly cmids: BulkInsert;
  private readonly requestHosts: BulkInsert;
  private readonly keysInRange: Database.Statement;
  private readonly keyExists: Database.Statement;
  private readonly looseInRange: Database.Statement;

  constructor(db: Database.Database) {
    const insertString = db.prepare('INSERT OR IGNORE INTO strings (value) VALUES (?)');
    const selectString = db.prepare('SELECT id FROM strings WHERE value = ?').pluck();
    const insertProduct = db.prepare('INSERT OR IGNORE INTO products (activation_id, name, application) VALUES (?, ?, ?)');
    const selectProduct = db.prepare('SELECT id FROM products WHERE activation_id = ? AND name = ? AND application = ?').pluck();
    this.dictionary = new DictionaryCache(
      (value) => {
        insertString.run(value);
        return selectString.get(value) as number;
      },
      (a, n, app) => {
        insertProduct.run(a, n, app);
        return selectProduct.get(a, n, app) as number;
      },
    );
    // OR IGNORE: a statement that cannot abort needs no statement journal, which otherwise copies
    // every page each multi-row statement touches. Every row is known to be new, so write() checks
    // that each one was written and fails the batch otherwise: nothing is dropped silently.
    this.insert = new BulkInsert(db, 'requests', ['id', ...REQUEST_COLUMNS], { verb: 'INSERT OR IGNORE' });
    this.cmids = new BulkInsert(db, 'request_cmids', ['bucket', 'cmid_id', 'id'], { verb: 'INSERT OR IGNORE' });
    this.requestHosts = new BulkInsert(db, 'request_hosts', REQUEST_HOSTS_COLUMNS, { verb: 'INSERT OR IGNORE', suffix: REQUEST_HOSTS_CONFLICT });
    this.keysInRange = db.prepare(
      'SELECT second, rec FROM requests WHERE host_id = ? AND second >= ? AND second <= ? AND channel_id = ? LIMIT ?',
    ).raw(true);
    this.keyExists = db.prepare('SELECT 1 FROM requests WHERE host_id = ? AND second = ? AND channel_id = ? AND rec = ?').pluck();
    this.looseInRange = db.prepare(
      'SELECT second FROM requests WHERE host_id = ? AND second >= ? AND second <= ? AND (channel_id <> ? OR rec < 0) LIMIT ?',
    ).pluck();
  }

  /** The columns of the requests of `planned` (epochs as planned so far; setEpochs() sets the final ones). */
  columnsOf(planned: readonly PlannedRecord[]): RequestColumns {
    this.cols.fill(planned, this.dictionary);
    return this.cols;
  }

  /**
   * The columns filled on the main thread (threaded-writer.ts), with the provisional ids (negative)
   * replaced by the ids of the strings and products they stand for, found or inserted now.
   */
  columnsOfPrefilled(prefilled: PrefilledRequests, requests: number): RequestColumns {
    const cols = prefilled.columns;
    if (cols.length !== requests) throw new StoreError(`prepared batch: ${cols.length} request rows for ${requests} requests`, 'STORE_WRITE');
    prefilled.stringIds = prefilled.missingStrings.map((v) => this.dictionary.id(v));
    prefilled.productIds = prefilled.missingProducts.map(([a, n, app]) => this.dictionary.productId(a, n, app));
    const strings = prefilled.stringIds;
    const products = prefilled.productIds;
    const real = (column: Float64Array, ids: readonly number[]) => {
      for (let i = 0; i < cols.length; i++) if (column[i] < 0) column[i] = ids[-1 - column[i]];
    };
    if (strings.length > 0) for (const column of [cols.hostId, cols.channelId, cols.hostNameId, cols.sourceId, cols.resultHexId, cols.machineId, cols.machineKeyId, cols.cmidId]) real(column, strings);
    if (products.length > 0) real(cols.productId, products);
    return cols;
  }

  /**
   * Rows whose dedup key is neither stored nor earlier in the batch, in batch order; and whether
   * other rows are stored at a row's second that the key cannot be compared with (no record id, or
   * another log): copies.ts then compares their content.
   */
  freshRows(cols: RequestColumns): { fresh: Int32Array; looseAt(row: number): boolean } {
    return this.newOnly(cols);
  }

  /** Stores rows `fresh` of `cols` (epochs set) with ids after `maxIdBefore`. */
  insertRows(cols: RequestColumns, fresh: Int32Array, maxIdBefore: number): WrittenRequests {
    this.deltas.clear();
    if (cols.length === 0 || fresh.length === 0) return { stored: 0, maxId: maxIdBefore, deltas: this.deltas };
    const firstId = maxIdBefore + 1;
    // ids[i]: the id row i gets (rows dropped as duplicates keep 0 and are never read)
    const ids = new Float64Array(cols.length);
    for (let k = 0; k < fresh.length; k++) ids[fresh[k]] = firstId + k;
    try {
      const writeRow = requestRowWriter(cols, fresh, firstId);
      for (let k = 0; k < fresh.length; k++) this.insert.add(writeRow, k);
      this.insert.flush();
      expectWritten(this.insert, fresh.length, 'requests');

      const order = cmidOrder(cols, fresh);
      const writeEntry = (v: unknown[], o: number, row: number): void => {
        const id = ids[row];
        v[o] = Math.floor(id / BUCKET_SIZE);
        v[o + 1] = cols.cmidId[row];
        v[o + 2] = id;
      };
      for (let j = 0; j < order.length; j++) this.cmids.add(writeEntry, order[j]);
      this.cmids.flush();
      expectWritten(this.cmids, fresh.length, 'request_cmids');

      const hosts = hostDeltas(cols, fresh);
      for (const h of hosts) this.requestHosts.add(writeHostDelta, h);
      this.requestHosts.flush();
      expectWritten(this.requestHosts, hosts.length, 'request_hosts');
      for (let j = 0; j < order.length; j++) this.deltas.addSortedRequest(cols, order[j], ids[order[j]]);
      return { stored: fresh.length, maxId: maxIdBefore + fresh.length, deltas: this.deltas };
    } finally {
      this.insert.reset();
      this.cmids.reset();
      this.requestHosts.reset();
    }
  }

  /**
   * Rows whose dedup key is neither stored nor earlier in the batch, in batch order. Keys are kept
   * per (host, channel) group as second → rec (a number, or a set when one second holds several),
   * so no key string is built per row.
   */
  private newOnly(cols: RequestColumns): { fresh: Int32Array; looseAt(row: number): boolean } {
    const groups = new Map<number, KeyGroup | KeyGroup[]>();
    const groupOf = (hostId: number, channelId: number, second: number): KeyGroup => {
      const found = groups.get(hostId);
      if (found !== undefined) {
        if (!Array.isArray(found)) {
          if (found.channelId === channelId) return found;
        } else {
          for (const g of found) if (g.channelId === channelId) return g;
        }
      }
      const g = new KeyGroup(hostId, channelId, second);
      if (found === undefined) groups.set(hostId, g);
      else if (Array.isArray(found)) found.push(g);
      else groups.set(hostId, [found, g]);
      return g;
    };
    const n = cols.length;
    const rowGroups: KeyGroup[] = new Array(n);
    let last: KeyGroup | undefined;
    for (let i = 0; i < n; i++) {
      const hostId = cols.hostId[i];
      const channelId = cols.channelId[i];
      const second = cols.second[i];
      const g = last !== undefined && last.hostId === hostId && last.channelId === channelId ? last : groupOf(hostId, channelId, second);
      last = g;
      rowGroups[i] = g;
      if (second < g.min) g.min = second;
      if (second > g.max) g.max = second;
      g.count++;
    }
    for (const found of groups.values()) {
      for (const g of Array.isArray(found) ? found : [found]) {
        // one range read finds the stored keys; when the range holds far more rows than the batch
        // (an old export into a long history), point lookups per row are cheaper
        const limit = g.count * 4 + 64;
        const stored = this.keysInRange.all(g.hostId, g.min, g.max, g.channelId, limit) as [number, number][];
        if (stored.length >= limit) g.pointLookup = true;
        else for (const [second, rec] of stored) g.add(second, rec);
        // rows of this host the key cannot be compared with: without a record id, or in another log
        const loose = this.looseInRange.all(g.hostId, g.min, g.max, g.channelId, limit) as number[];
        if (loose.length >= limit || g.pointLookup) g.looseEverywhere = true;
        else for (const second of loose) g.loose.add(second);
      }
    }
    const out = new Int32Array(n);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const g = rowGroups[i];
      const second = cols.second[i];
      const rec = cols.rec[i];
      if (!g.add(second, rec)) continue;
      if (g.pointLookup && this.keyExists.get(g.hostId, second, g.channelId, rec) !== undefined) continue;
      out[count++] = i;
    }
    return {
      fresh: out.subarray(0, count),
      looseAt: (row) => rowGroups[row].looseEverywhere || rowGroups[row].loose.has(cols.second[row]),
    };
  }
}

/**
 * Rows of `fresh` ordered by CMID id, then by their position (= id order). Sorting one packed
 * number per row (cmid id × 2^21 + position) in a Float64Array is several times faster than an
 * index sort with a comparator.
 */
function cmidOrder(cols: RequestColumns, fresh: Int32Array): Int32Array {
  let maxCmid = 0;
  for (let k = 0; k < fresh.length; k++) maxCmid = Math.max(maxCmid, cols.cmidId[fresh[k]]);
  if (fresh.length >= POSITION_SPAN || maxCmid * POSITION_SPAN + POSITION_SPAN > Number.MAX_SAFE_INTEGER) {
    return Int32Array.from(fresh).sort((a, b) => cols.cmidId[a] - cols.cmidId[b] || a - b);
  }
  const keys = new Float64Array(fresh.length);
  for (let k = 0; k < fresh.length; k++) keys[k] = cols.cmidId[fresh[k]] * POSITION_SPAN + k;
  keys.sort();
  const order = new Int32Array(fresh.length);
  for (let j = 0; j < keys.length; j++) order[j] = fresh[keys[j] % POSITION_SPAN];
  return order;
}

function hostDeltas(cols: RequestColumns, fresh: Int32Array): HostDelta[] {
  const byHost = new Map<number, HostDelta>();
  let last: HostDelta | undefined;
  for (let k = 0; k < fresh.length; k++) {
    const i = fresh[k];
    const hostId = cols.hostId[i];
    const time = cols.time[i];
    let h = last !== undefined && last.hostId === hostId ? last : byHost.get(hostId);
    if (h === undefined) {
      h = { hostId, requests: 0, firstSeen: time, lastSeen: time };
      byHost.set(hostId, h);
    }
    last = h;
    h.requests++;
    if (time < h.firstSeen) h.firstSeen = time;
    if (time > h.lastSeen) h.lastSeen = time;
  }
  return [...byHost.values()];
}

/** Writes the id and REQUEST_COLUMNS values (columns.ts order) of fresh[k], whose id is firstId + k. */
function requestRowWriter(cols: RequestColumns, fresh: Int32Array, firstId: number) {
  return (v: unknown[], o: number, k: number): void => writeRequestRow(v, o, cols, fresh[k], firstId + k);
}

function writeRequestRow(v: unknown[], o: number, cols: RequestColumns, i: number, id: number): void {
  v[o] = id;
  v[o + 1] = cols.hostId[i];
  v[o + 2] = cols.second[i];
  v[o + 3] = cols.channelId[i];
  v[o + 4] = cols.rec[i];
  v[o + 5] = cols.time[i];
  v[o + 6] = cols.epoch[i];
  v[o + 7] = cols.hostNameId[i];
  v[o + 8] = cols.sourceId[i];
  v[o + 9] = cols.result[i];
  v[o + 10] = cols.resultHexId[i];
  v[o + 11] = cols.minimumCount[i];
  v[o + 12] = cols.machineId[i];
  v[o + 13] = cols.machineKeyId[i];
  v[o + 14] = cols.cmidId[i];
  v[o + 15] = cols.productId[i];
  v[o + 16] = cols.clientTimeText[i];
  const clientTime = cols.clientTime[i];
  v[o + 17] = Number.isNaN(clientTime) ? null : clientTime;
  v[o + 18] = cols.isVm[i];
  v[o + 19] = cols.licenseState[i];
  v[o + 20] = cols.minutesLeft[i];
}

/** Throws (failing the batch's transaction) when a row offered was not inserted or upserted. */
function expectWritten(bulk: BulkInsert, offered: number, table: string): void {
  const written = bulk.takeInserted();
  if (written !== offered) {
    throw new StoreError(`${table}: ${offered - written} of ${offered} rows were not written (a constraint refused them)`, 'STORE_WRITE');
  }
}

/** The dedup keys (second, rec) seen so far of one (host, channel). */
class KeyGroup {
  min: number;
  max: number;
  count = 0;
  pointLookup = false;
  /** Seconds of the range holding stored rows without a record id or of another log (all: looseEverywhere). */
  readonly loose = new Set<number>();
  looseEverywhere = false;
  /** Keyed by the second minus `base`: small integers, which V8 keeps unboxed (epoch seconds are not). */
  private readonly keys = new Map<number, number | Set<number>>();
  private readonly base: number;

  constructor(readonly hostId: number, readonly channelId: number, second: number) {
    this.min = second;
    this.max = second;
    this.base = second;
  }

  /** Adds the key; false when it was there already. */
  add(second: number, rec: number): boolean {
    const at = second - this.base;
    const found = this.keys.get(at);
    if (found === undefined) {
      this.keys.set(at, rec);
      return true;
    }
    if (typeof found === 'number') {
      if (found === rec) return false;
      this.keys.set(at, new Set([found, rec]));
      return true;
    }
    if (found.has(rec)) return false;
    found.add(rec);
    return true;
  }
}
