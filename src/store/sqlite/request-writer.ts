import type Database from 'better-sqlite3';
import type { PlannedRecord } from '../batch-plan.js';
import { REQUEST_COLUMNS, narrowBatch, writeNarrowRequest, type NarrowRequest } from '../columns.js';
import { DictionaryCache } from '../dictionary.js';
import { CLIENT_SUMMARY_CONFLICT, REQUEST_HOSTS_CONFLICT } from '../queries/summary.js';
import { StoreError } from '../types.js';
import { BulkInsert } from './bulk-insert.js';
import {
  CLIENT_SUMMARY_COLUMNS, REQUEST_HOSTS_COLUMNS, SummaryFold, writeClientDelta, writeHostDelta,
} from './summary.js';

const sqliteBool = (b: boolean): number => (b ? 1 : 0);

/**
 * Writes the requests of a planned batch inside the caller's IMMEDIATE transaction (which makes
 * every read here current: no other writer runs meanwhile):
 *   1. resolves strings and products to ids (cached per store instance, see dictionary.ts);
 *   2. drops duplicates up front: keys already stored (one index range read per host and channel
 *      of the batch) and repeats inside the batch, so that every remaining row is new;
 *   3. inserts them with explicit ids (next after the highest) in multi-row statements;
 *   4. folds them into client_summary and request_hosts (multi-row upserts).
 * Knowing which rows are new before inserting is what lets the summaries count each request once.
 */
export class SqliteRequestWriter {
  readonly dictionary: DictionaryCache;
  private readonly insert: BulkInsert;
  private readonly clientSummary: BulkInsert;
  private readonly requestHosts: BulkInsert;
  private readonly maxId: Database.Statement;
  private readonly keysInRange: Database.Statement;
  private readonly keyExists: Database.Statement;

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
    // every page each multi-row statement touches (the cmid index: one random page per row).
    // Every row is known to be new, so write() checks that each one was written and fails the
    // batch otherwise: nothing is dropped silently.
    this.insert = new BulkInsert(db, 'requests', ['id', ...REQUEST_COLUMNS], { verb: 'INSERT OR IGNORE' });
    this.clientSummary = new BulkInsert(db, 'client_summary', CLIENT_SUMMARY_COLUMNS, { verb: 'INSERT OR IGNORE', suffix: CLIENT_SUMMARY_CONFLICT });
    this.requestHosts = new BulkInsert(db, 'request_hosts', REQUEST_HOSTS_COLUMNS, { verb: 'INSERT OR IGNORE', suffix: REQUEST_HOSTS_CONFLICT });
    this.maxId = db.prepare('SELECT COALESCE(MAX(id), 0) FROM requests').pluck();
    this.keysInRange = db.prepare(
      'SELECT second, rec FROM requests WHERE host_id = ? AND second >= ? AND second <= ? AND channel_id = ? LIMIT ?',
    ).raw(true);
    this.keyExists = db.prepare('SELECT 1 FROM requests WHERE host_id = ? AND second = ? AND channel_id = ? AND rec = ?').pluck();
  }

  /** Returns how many requests were new (and stored). */
  write(planned: readonly PlannedRecord[]): number {
    if (planned.length === 0) return 0;
    const narrow = narrowBatch(planned, this.dictionary);
    const fresh = this.newOnly(narrow);
    const firstId = (this.maxId.get() as number) + 1;
    const fold = new SummaryFold();
    try {
      // ids are consecutive from firstId in batch order
      const rows = new RowIds(firstId);
      for (let i = 0; i < fresh.length; i++) {
        fold.add(fresh[i], firstId + i);
        this.insert.add(rows.write, fresh[i]);
      }
      this.insert.flush();
      expectWritten(this.insert, fresh.length, 'requests');
      for (const c of fold.clients) this.clientSummary.add(writeClientDelta, c);
      this.clientSummary.flush();
      expectWritten(this.clientSummary, fold.clients.length, 'client_summary');
      for (const h of fold.hosts.values()) this.requestHosts.add(writeHostDelta, h);
      this.requestHosts.flush();
      expectWritten(this.requestHosts, fold.hosts.size, 'request_hosts');
    } finally {
      this.insert.reset();
      this.clientSummary.reset();
      this.requestHosts.reset();
    }
    return fresh.length;
  }

  /**
   * Rows whose dedup key is neither stored nor earlier in the batch, in batch order. Keys are kept
   * per (host, channel) group as second → rec (a number, or a set when one second holds several),
   * so no key string is built per row.
   */
  private newOnly(rows: NarrowRequest[]): NarrowRequest[] {
    const groups = new Map<number, KeyGroup | KeyGroup[]>();
    const groupOf = (n: NarrowRequest): KeyGroup => {
      const found = groups.get(n.hostId);
      if (found !== undefined) {
        if (!Array.isArray(found)) {
          if (found.channelId === n.channelId) return found;
        } else {
          for (const g of found) if (g.channelId === n.channelId) return g;
        }
      }
      const g = new KeyGroup(n.hostId, n.channelId, n.second);
      if (found === undefined) groups.set(n.hostId, g);
      else if (Array.isArray(found)) found.push(g);
      else groups.set(n.hostId, [found, g]);
      return g;
    };
    const rowGroups: KeyGroup[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const n = rows[i];
      const g = groupOf(n);
      rowGroups[i] = g;
      if (n.second < g.min) g.min = n.second;
      if (n.second > g.max) g.max = n.second;
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
      }
    }
    const out: NarrowRequest[] = [];
    for (let i = 0; i < rows.length; i++) {
      const n = rows[i];
      const g = rowGroups[i];
      if (!g.add(n.second, n.rec)) continue;
      if (g.pointLookup && this.keyExists.get(n.hostId, n.second, n.channelId, n.rec) !== undefined) continue;
      out.push(n);
    }
    return out;
  }
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
  private readonly keys = new Map<number, number | Set<number>>();

  constructor(readonly hostId: number, readonly channelId: number, second: number) {
    this.min = second;
    this.max = second;
  }

  /** Adds the key; false when it was there already. */
  add(second: number, rec: number): boolean {
    const found = this.keys.get(second);
    if (found === undefined) {
      this.keys.set(second, rec);
      return true;
    }
    if (typeof found === 'number') {
      if (found === rec) return false;
      this.keys.set(second, new Set([found, rec]));
      return true;
    }
    if (found.has(rec)) return false;
    found.add(rec);
    return true;
  }
}

/** Row writer that numbers the rows it writes, from the first new id on. */
class RowIds {
  constructor(private next: number) {}

  readonly write = (v: unknown[], o: number, n: NarrowRequest): void => {
    v[o] = this.next++;
    writeNarrowRequest(v, o + 1, n, sqliteBool);
  };
}

