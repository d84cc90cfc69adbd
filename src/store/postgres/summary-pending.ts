import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pgCopy from 'pg-copy-streams';
import { CLIENT_SUMMARY_CONFLICT, SUMMARY_KEY, summaryCatchUpSql } from '../queries/summary.js';
import { StoreError } from '../types.js';
import { inTransaction, type PgClient, type PgPool } from './driver.js';
import type { ReservedIds } from './request-ids.js';
import { ClientFold } from './summary-fold.js';
import { CLIENT_SUMMARY_COPY, SUMMARY_STAGING, SUMMARY_STAGING_DDL } from './write-requests.js';

/**
 * Keeps client_summary in step with the requests on PostgreSQL (migration 0900, summary_pending).
 *
 * Invariant, true after every commit: client_summary is the fold of every stored request except
 * those of the batches listed in summary_pending. Each batch lists itself in its own transaction
 * (recordPending) instead of upserting its deltas; the writer keeps the batch's fold in memory
 * (PendingSummary) and upserts the merged fold of many batches at once: when enough has gathered,
 * before the store answers a query, and on close. A batch touches most clients once, so this
 * turns about one upsert per request into one per client per flush.
 *
 * Whoever folds listed batches locks their rows (FOR UPDATE, in batch order), folds them and
 * deletes the rows in one transaction: the writer with its fold, or anyone from the requests
 * themselves (summaryCatchUpSql of queries/summary.ts: the fold's rules in SQL). A writer that
 * finds some of its batches already folded by someone else cannot split its fold, so it folds the
 * rest from the requests too. A writer that dies leaves its batches listed; the next reader or
 * flush folds them in SQL.
 */

/** Fold in memory up to this many requests, or this many client_summary keys, before writing. */
export const SUMMARY_FLUSH_REQUESTS = 4_000_000;
export const SUMMARY_FLUSH_KEYS = 250_000;

export interface FlushLimits {
  requests: number;
  keys: number;
}

/** The columns of ClientFold.encode()'s rows. */
const SUMMARY_COLUMNS = CLIENT_SUMMARY_COPY.map(([name]) => name).join(', ');

/** The transactions that write client_summary sort one row per client in memory. */
export const SUMMARY_BEGIN = "BEGIN; SET LOCAL work_mem = '64MB'; SET LOCAL jit = off";

interface PendingRow {
  batch_id: string | number;
  block_starts: (string | number)[];
  block_step: number;
}

/** Inside a transaction: locks the listed batches `which` selects, in batch order (the order every folder locks them in). */
async function lockPending(client: PgClient, which: 'these' | 'all but these', ids: readonly number[]): Promise<PendingRow[]> {
  const res = await client.query<PendingRow>(
    `SELECT batch_id, block_starts, block_step FROM summary_pending
      WHERE ${which === 'these' ? '' : 'NOT '}(batch_id = ANY($1::bigint[])) ORDER BY batch_id FOR UPDATE`,
    [ids],
  );
  return res.rows;
}

/** Inside a batch's transaction: lists the batch's stored requests (the first `stored` reserved ids). */
export async function recordPending(client: PgClient, ids: ReservedIds, stored: number): Promise<number> {
  const res = await client.query<{ batch_id: string }>(
    'INSERT INTO summary_pending (block_starts, block_step, requests) VALUES ($1::bigint[], $2::integer, $3::integer) RETURNING batch_id',
    [ids.blocksOf(stored), ids.step, stored],
  );
  return Number(res.rows[0].batch_id);
}

/** Inside a transaction: folds the requests of `rows` (locked) into client_summary from SQL and unlists them. */
async function catchUpRows(client: PgClient, rows: readonly PendingRow[]): Promise<void> {
  if (rows.length === 0) return;
  const lo: number[] = [];
  const hi: number[] = [];
  for (const row of rows) {
    for (const start of row.block_starts) {
      lo.push(Number(start));
      hi.push(Number(start) + row.block_step);
    }
  }
  await client.query(summaryCatchUpSql.postgres, [lo, hi]);
  await client.query('DELETE FROM summary_pending WHERE batch_id = ANY($1::bigint[])', [rows.map((r) => Number(r.batch_id))]);
}

/**
 * Folds every listed batch except `own` (this instance's, which its fold will write) from the
 * requests, in one transaction. Returns how many batches it folded.
 */
export async function catchUpPending(pool: PgPool, own: readonly number[]): Promise<number> {
  return inTransaction(
    pool,
    async (client) => {
      const rows = await lockPending(client, 'all but these', own);
      await catchUpRows(client, rows);
      return rows.length;
    },
    SUMMARY_BEGIN,
  );
}

/** Whether any batch other than `own` is listed (committed). */
export async function othersPending(pool: PgPool, own: readonly number[]): Promise<boolean> {
  const res = await pool.query<{ listed: boolean }>({
    name: 'kmswatch_othersPending',
    text: 'SELECT EXISTS (SELECT 1 FROM summary_pending WHERE NOT (batch_id = ANY($1::bigint[]))) AS listed',
    values: [own],
  });
  return res.rows[0]?.listed === true;
}

/** A writer's committed batches, folded in memory until written (see the top of this file). */
export class PendingSummary {
  private fold = new ClientFold(1024);
  /** Committed batches whose deltas are in `fold`. */
  private batches: number[] = [];
  /** This instance's listed batches, committed or still in their transaction: its fold writes them. */
  private readonly listed = new Set<number>();
  /** Flushes run one at a time. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly limits: FlushLimits = { requests: SUMMARY_FLUSH_REQUESTS, keys: SUMMARY_FLUSH_KEYS }) {}

  /** Inside the batch's transaction, once recordPending returned its id. */
  recorded(batchId: number): void {
    this.listed.add(batchId);
  }

  /** After the batch's transaction committed. */
  committed(batchId: number, fold: ClientFold): void {
    if (this.batches.length === 0 && this.fold.size === 0) this.fold = fold;
    else this.fold.merge(fold);
    this.batches.push(batchId);
  }

  /** After the batch's transaction rolled back: its listing is gone with it. */
  abandoned(batchId: number): void {
    this.listed.delete(batchId);
  }

  /** Batches this instance listed and has not written yet. */
  get own(): number[] {
    return [...this.listed];
  }

  get pendingRequests(): number {
    return this.fold.requestCount;
  }

  /** Whether enough has gathered to write. */
  get due(): boolean {
    return this.fold.requestCount >= this.limits.requests || this.fold.size >= this.limits.keys;
  }

  /** Writes the fold of the committed batches (one transaction); a no-op when there is none. */
  flush(pool: PgPool): Promise<void> {
    const run = this.queue.then(() => this.write(pool));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(pool: PgPool): Promise<void> {
    if (this.batches.length === 0) return;
    const fold = this.fold;
    const batches = this.batches;
    // batches committed meanwhile gather in a new fold
    this.fold = new ClientFold(1024);
    this.batches = [];
    try {
      await inTransaction(
        pool,
        async (client) => {
          const rows = await lockPending(client, 'these', batches);
          if (rows.length < batches.length) {
            // someone folded some of these batches from the requests: the fold cannot be split
            await catchUpRows(client, rows);
            return;
          }
          await upsertFold(client, fold);
          await client.query('DELETE FROM summary_pending WHERE batch_id = ANY($1::bigint[])', [batches]);
        },
        SUMMARY_BEGIN,
      );
    } catch (err) {
      // rolled back: the batches are still listed and the fold still stands for them
      fold.merge(this.fold);
      this.fold = fold;
      this.batches = batches.concat(this.batches);
      throw err;
    }
    for (const b of batches) this.listed.delete(b);
  }
}

async function upsertFold(client: PgClient, fold: ClientFold): Promise<void> {
  if (fold.size === 0) return;
  await client.query(SUMMARY_STAGING_DDL);
  await pipeline(Readable.from([fold.encode()]), client.query(pgCopy.from(`COPY ${SUMMARY_STAGING} (${SUMMARY_COLUMNS}) FROM STDIN (FORMAT binary)`)));
  const res = await client.query(`INSERT INTO client_summary (${SUMMARY_COLUMNS}) SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_STAGING} ORDER BY ${SUMMARY_KEY} ${CLIENT_SUMMARY_CONFLICT}`);
  if (res.rowCount !== fold.size) throw new StoreError(`client_summary: ${res.rowCount} of ${fold.size} rows were written`, 'STORE_WRITE');
}
