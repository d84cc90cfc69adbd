import type Database from 'better-sqlite3';
import { CLIENT_SUMMARY_CONFLICT, summaryCatchUpSql } from '../queries/summary.js';
import { StoreError } from '../types.js';
import { BulkInsert } from './bulk-insert.js';
import { CLIENT_SUMMARY_COLUMNS } from './summary.js';
import { SummaryDeltas } from './summary-delta.js';

/**
 * Keeps client_summary in step with the requests (migration 0400, summary_mark).
 *
 * Invariant, true after every commit: client_summary is the fold of exactly the requests with
 * id <= summary_mark.upto. Upserting each batch's changes at once costs one random upsert per
 * client per batch, as much as storing the requests; so this writer folds its committed batches in
 * memory (`pending`) and writes them when many have gathered, before this instance answers a query,
 * and on close. Writing them is valid only when the requests above the mark are exactly the ones
 * folded: nobody else wrote or moved the mark since (`knownUpto`, `lastMaxId`). Otherwise the
 * pending fold is dropped and the summary is caught up from the requests themselves in SQL
 * (summaryCatchUpSql, queries/summary.ts), which is always right, only slower. Another process
 * that finds the mark behind (a concurrent or crashed writer) catches up the same way.
 */

/** Fold in memory up to this many requests before writing the summary. */
export const SUMMARY_FLUSH_REQUESTS = 1_000_000;

interface MarkState {
  upto: number;
  maxId: number;
}

export class SqliteSummarySync {
  private readonly pending = new SummaryDeltas();
  /** summary_mark.upto as of this instance's last committed transaction (null: unknown). */
  private knownUpto: number | null = null;
  /** MAX(requests.id) as of this instance's last committed transaction. */
  private lastMaxId: number | null = null;
  /** The mark inside the running batch transaction (after beginBatch's catch-up, if any). */
  private txUpto: number | null = null;
  private readonly upsert: BulkInsert;
  private readonly readMark: Database.Statement;
  private readonly maxId: Database.Statement;
  private readonly setMark: Database.Statement;
  private readonly catchUp: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.upsert = new BulkInsert(db, 'client_summary', CLIENT_SUMMARY_COLUMNS, { verb: 'INSERT OR IGNORE', suffix: CLIENT_SUMMARY_CONFLICT });
    this.readMark = db.prepare('SELECT upto FROM summary_mark WHERE one = 1').pluck();
    this.maxId = db.prepare('SELECT COALESCE(MAX(id), 0) FROM requests').pluck();
    this.setMark = db.prepare('UPDATE summary_mark SET upto = ? WHERE one = 1');
    this.catchUp = db.prepare(summaryCatchUpSql.sqlite);
  }

  /** Requests folded in memory, not yet in client_summary. */
  get pendingRequests(): number {
    return this.pending.requests;
  }

  /**
   * First step of a batch's transaction: reads the mark and the highest id; when the requests above
   * the mark are not exactly this instance's pending fold (another process wrote or caught up),
   * drops the fold and catches the summary up in SQL. Returns the highest request id before the batch.
   */
  beginBatch(): number {
    const state = this.read();
    if (this.pendingValid(state)) this.txUpto = state.upto;
    else this.catchUpTo(state);
    return state.maxId;
  }

  /**
   * Last step of a batch's transaction, after its requests (ids up to `maxId`) were inserted:
   * writes the summary when enough has gathered. Returns whether it did.
   */
  endBatch(deltas: SummaryDeltas, maxId: number): boolean {
    if (this.pending.requests + deltas.requests < SUMMARY_FLUSH_REQUESTS) return false;
    // on a rollback the whole fold is dropped (rolledBack), so merging before the commit is safe
    this.pending.merge(deltas);
    this.writeDeltas(this.pending, maxId);
    this.txUpto = maxId;
    return true;
  }

  /** After the batch's transaction committed. */
  committed(deltas: SummaryDeltas, maxId: number, flushed: boolean): void {
    if (flushed) this.pending.clear();
    else this.pending.merge(deltas);
    this.knownUpto = this.txUpto;
    this.lastMaxId = maxId;
    this.txUpto = null;
  }

  /** After a transaction failed: whatever it did to the summary was rolled back. */
  rolledBack(): void {
    // the next batch or sync re-reads the mark and catches up in SQL
    this.pending.clear();
    this.knownUpto = null;
    this.lastMaxId = null;
    this.txUpto = null;
  }

  /**
   * Makes client_summary cover every stored request, in its own transaction; a no-op when it does.
   * Returns false when the database cannot be written (the caller then reads the requests).
   */
  sync(): boolean {
    if (this.pending.requests === 0) {
      const state = this.read();
      if (state.upto >= state.maxId) return true;
    }
    let after: MarkState;
    try {
      after = this.db.transaction((): MarkState => {
        const state = this.read();
        if (this.pendingValid(state)) {
          if (this.pending.requests > 0) this.writeDeltas(this.pending, state.maxId);
        } else {
          this.catchUpTo(state);
        }
        return { upto: state.maxId, maxId: state.maxId };
      }).immediate();
    } catch (err) {
      this.rolledBack();
      if ((err as { code?: string }).code === 'SQLITE_READONLY') return false;
      throw new StoreError(`bringing client_summary up to date failed: ${(err as Error).message}`, 'STORE_WRITE', { cause: err });
    }
    this.pending.clear();
    this.knownUpto = after.upto;
    this.lastMaxId = after.maxId;
    this.txUpto = null;
    return true;
  }

  private read(): MarkState {
    return { upto: this.readMark.get() as number, maxId: this.maxId.get() as number };
  }

  /** Whether the requests above the mark are exactly this instance's pending fold. */
  private pendingValid(state: MarkState): boolean {
    if (this.pending.requests === 0) return state.upto === state.maxId;
    return state.upto === this.knownUpto && state.maxId === this.lastMaxId;
  }

  /** Inside a transaction: folds (upto, maxId] from the requests; the pending fold is void. */
  private catchUpTo(state: MarkState): void {
    this.pending.clear();
    if (state.upto < state.maxId) {
      this.catchUp.run({ lo: state.upto, hi: state.maxId });
      this.setMark.run(state.maxId);
    }
    this.txUpto = Math.max(state.upto, state.maxId);
  }

  /** Inside a transaction: upserts the rows of `deltas` (in CMID order) and moves the mark to `upto`. */
  private writeDeltas(deltas: SummaryDeltas, upto: number): void {
    try {
      const write = (v: unknown[], o: number, s: number) => deltas.writeRow(v, o, s);
      for (const s of deltas.cmidOrder()) this.upsert.add(write, s);
      this.upsert.flush();
      const written = this.upsert.takeInserted();
      if (written !== deltas.size) {
        throw new StoreError(`client_summary: ${deltas.size - written} of ${deltas.size} rows were not written`, 'STORE_WRITE');
      }
    } finally {
      this.upsert.reset();
    }
    this.setMark.run(upto);
  }
}
