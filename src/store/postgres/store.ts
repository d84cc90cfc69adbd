import type { KmsRecord } from '../../kms/types.js';
import { overviewOf } from '../client-overview.js';
import { hostKey } from '../dedup.js';
import * as q from '../queries/index.js';
import { latestClientsPast, pastClientsSql, type PastClientsSource } from '../queries/latest-clients.js';
import type {
  AlertState, AnomalyRow, Checkpoint, ClientFilter, DamageMark, DamagedEventRow, ClientOverview, ClientOverviewBounds, ClientRow, CloneRow, DailyActivityRow, FailureRow,
  HostActivityRow, HostEventCountRow, LogClearRow, LogSpanRow, MigrationReport, ProductRow, RequestRow, Store,
  StoreCapabilities, TotalsRow, WindowActiveRow, WindowCountRow, WriteResult,
} from '../types.js';
import { inTransaction, redactUrl, storeError, type PgClient, type PgPool } from './driver.js';
import { migratePostgres } from './migrator.js';
import { textWithoutNul } from './nul.js';
import { CheckpointGuess } from './checkpoint-guess.js';
import { LookupIds } from './lookup-ids.js';
import { requestIdSequence } from './request-ids.js';
import { catchUpPending, othersPending, PendingSummary, type FlushLimits } from './summary-pending.js';
import { ConcurrentBatchConflict, markStaged, writeBatchPostgres, type LockMode, type WriterState } from './write-batch.js';
import { checkCopyColumns } from './write-requests.js';
import { countWindowDays, END_DAY_SQL, pastWindowParts, RAW_TEXT, WINDOW_DAYS_SQL, windowDayBounds } from './window-days.js';

function stripKey({ hostKey: _k, ...rest }: q.CheckpointWithKey): Checkpoint {
  return rest;
}

/** How the summaries answer a question about `time <= at` (see summaryFor). */
type SummaryForm = 'now' | 'past' | 'none';

/** SQLSTATEs of a role or session that may not write: the summaries cannot be brought up to date. */
const CANNOT_WRITE = new Set(['42501', '25006']);

/**
 * The Store on PostgreSQL: a connection pool, one transaction per batch (write-batch.ts),
 * client_summary written from this instance's fold of many batches (summary-pending.ts), queries
 * from src/store/queries in their postgres dialect. Several processes may write at once (see
 * write-batch.ts for the locking).
 */
export class PostgresStore implements Store {
  readonly backend = 'postgres' as const;
  readonly capabilities: StoreCapabilities = { transactionalDdl: true, copy: true, concurrentWriters: true };
  private closed = false;
  private lastWindowScan?: { key: string; scan: Promise<q.WindowScan> };
  /** What the writer keeps between batches, once the schema has been checked (first batch). */
  private writer: Promise<WriterState> | null = null;
  private readonly pending: PendingSummary;
  /** The summary catch-up in flight: the queries of a report ask at once. */
  private syncing: Promise<boolean> | null = null;

  constructor(
    readonly pool: PgPool,
    readonly url: string,
    flushLimits?: FlushLimits,
  ) {
    this.pending = new PendingSummary(flushLimits);
  }

  async migrate(): Promise<MigrationReport> {
    return migratePostgres(this.pool);
  }

  async writeBatch(records: readonly KmsRecord[]): Promise<WriteResult> {
    if (records.length === 0) return { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };
    let result: WriteResult;
    try {
      const state = await this.writerState();
      try {
        result = await this.writeOnce(records, state, 'shared');
      } catch (err) {
        // another batch of the same hosts met this one (write-batch.ts LockMode): all of it was
        // rolled back; written again with the locks held throughout, it waits for the other
        if (!isConcurrencyConflict(err)) throw err;
        result = await this.writeOnce(records, state, 'exclusive');
      }
    } catch (err) {
      throw storeError(`writing a batch of ${records.length} records to ${redactUrl(this.url)}`, 'STORE_WRITE', err);
    }
    if (this.pending.due) {
      try {
        await this.pending.flush(this.pool);
      } catch (err) {
        // the batch is committed: writing it again would only find its rows stored
        throw storeError(`the batch is stored, but writing the client_summary fold to ${redactUrl(this.url)} failed (the next flush or reader retries it)`, 'STORE_WRITE', err);
      }
    }
    return result;
  }

  private async writeOnce(records: readonly KmsRecord[], state: WriterState, mode: LockMode): Promise<WriteResult> {
    let used: PgClient | undefined;
    let listed: number | null = null;
    let written;
    try {
      // these statements do the same small work per row, which JIT compilation never pays back
      written = await inTransaction(
        this.pool,
        (client) => {
          used = client;
          return writeBatchPostgres(client, records, Date.now(), state, mode, (id) => {
            listed = id;
            this.pending.recorded(id);
          });
        },
        "BEGIN; SET LOCAL work_mem = '64MB'; SET LOCAL jit = off",
      );
    } catch (err) {
      if (listed !== null) this.pending.abandoned(listed);
      throw err;
    }
    const { result, added, summary } = written;
    if (used) markStaged(used);
    if (added) state.ids.merge(added);
    if (summary !== null) this.pending.committed(summary.batchId, summary.fold);
    return result;
  }

  /** Writes this instance's fold of its committed batches into client_summary (an ingest's end). */
  async writeSummary(): Promise<boolean> {
    await this.pending.flush(this.pool);
    return true;
  }

  private writerState(): Promise<WriterState> {
    this.writer ??= (async () => {
      const client = await this.pool.connect();
      try {
        await checkCopyColumns(client);
        return { ids: new LookupIds(), checkpoints: new CheckpointGuess(), sequence: await requestIdSequence(client), pending: this.pending };
      } finally {
        client.release();
      }
    })().catch((err: unknown) => {
      this.writer = null;
      throw err;
    });
    return this.writer;
  }

  private async all<Row>(query: q.Query<Row>, params: Record<string, unknown>): Promise<Row[]> {
    let rows: q.RawRow[];
    try {
      const res = await this.pool.query({ name: `kmswatch_${query.name}`, text: query.postgres, values: q.positionalParams(query as q.Query<unknown>, params) });
      rows = res.rows as q.RawRow[];
    } catch (err) {
      throw storeError(`query ${query.name} failed on ${redactUrl(this.url)}`, 'STORE_QUERY', err);
    }
    return rows.map((r) => query.mapRow(r));
  }

  async checkpoints(): Promise<Checkpoint[]> {
    return (await this.all(q.checkpointsQuery, {})).map(stripKey);
  }

  async checkpoint(host: string, channel: string): Promise<Checkpoint | null> {
    const [row] = await this.all(q.checkpointQuery, { hostKey: hostKey(host), channel });
    return row ? stripKey(row) : null;
  }

  /**
   * Whether window_days and request_hosts answer "time <= at" exactly (queries/freshness.ts):
   * every batch writes them itself.
   */
  private async summaryCovers(at: number): Promise<boolean> {
    return q.summaryCovers((await this.all(q.newestRequestQuery, {}))[0], at);
  }

  /**
   * How client_summary answers a question about `time <= at`, once it is brought up to date:
   * 'now' directly, 'past' corrected by the requests after `at` (the queries' past forms), 'none'
   * when it cannot be brought up to date (a role or session that may not write): the queries then
   * read the requests alone.
   */
  private async summaryFor(at: number): Promise<SummaryForm> {
    if (!(await this.syncSummary())) return 'none';
    return (await this.summaryCovers(at)) ? 'now' : 'past';
  }

  /** Folds every batch listed in summary_pending into client_summary (summary-pending.ts). */
  private syncSummary(): Promise<boolean> {
    this.syncing ??= (async () => {
      try {
        if (this.pending.pendingRequests > 0) await this.pending.flush(this.pool);
        if (await othersPending(this.pool, this.pending.own)) await catchUpPending(this.pool, this.pending.own);
        return true;
      } catch (err) {
        if (CANNOT_WRITE.has(String((err as { code?: unknown }).code))) return false;
        throw storeError(`bringing client_summary up to date in ${redactUrl(this.url)}`, 'STORE_WRITE', err);
      }
    })().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  // Before the newest request, the summaries minus the requests after `at` (the queries' past forms).

  async totals(at: number): Promise<TotalsRow> {
    const form = await this.summaryFor(at);
    if (form === 'past') return (await this.all(q.totalsPastQuery, { at, atSecond: Math.floor(at / 1000) }))[0];
    return (await this.all(form === 'now' ? q.totalsSummaryQuery : q.totalsQuery, { at }))[0];
  }

  async hostActivity(at: number): Promise<HostActivityRow[]> {
    const form = await this.summaryFor(at);
    if (form === 'past') return this.all(q.hostActivityPastQuery, { at, atSecond: Math.floor(at / 1000) });
    return this.all(form === 'now' ? q.hostActivitySummaryQuery : q.hostActivityQuery, { at });
  }

  async windowCounts(from: number, to: number): Promise<WindowCountRow[]> {
    return (await this.windowScan(from, to)).counts;
  }

  async windowActive(from: number, to: number): Promise<WindowActiveRow[]> {
    return (await this.windowScan(from, to)).active;
  }

  /**
   * Both window answers from one read of the window's window_days rows (window-days.ts), which
   * hold the same successes as client_summary's last_ok in far fewer rows; a window that ends
   * before the newest request reads the day it ends in from the requests (END_DAY_SQL). A report
   * asks for both with the same window: the last scan is kept while request_hosts, which every
   * stored request changes, is the same.
   */
  private async windowScan(from: number, to: number): Promise<q.WindowScan> {
    try {
      const version = await this.pool.query({ name: 'kmswatch_requestsVersion', text: 'SELECT COALESCE(SUM(requests), 0)::text || \':\' || COALESCE(MAX(last_seen), 0)::text AS v FROM request_hosts' });
      const key = `${from}:${to}:${String(version.rows[0]?.v)}`;
      // the scan in flight is shared too: a report asks for both answers at once
      if (this.lastWindowScan?.key === key) return await this.lastWindowScan.scan;
      const scan = (async () => {
        const dayRows = (days: [number, number]) =>
          this.pool.query({ name: 'kmswatch_windowDays', text: WINDOW_DAYS_SQL, values: days, rowMode: 'array', types: RAW_TEXT }).then((r) => r.rows as unknown[][]);
        if (await this.summaryCovers(to)) {
          const [rows, lookups] = await Promise.all([dayRows(windowDayBounds(from, to)), this.summaryLookups()]);
          return countWindowDays(rows, lookups, from, to);
        }
        const parts = pastWindowParts(from, to);
        const [rows, endDay, lookups] = await Promise.all([
          parts.days === null ? [] : dayRows(parts.days),
          this.pool.query({ name: 'kmswatch_windowEndDay', text: END_DAY_SQL, values: parts.endDay, rowMode: 'array', types: RAW_TEXT }).then((r) => r.rows as unknown[][]),
          this.summaryLookups(),
        ]);
        return countWindowDays(rows, lookups, from, to, endDay);
      })();
      this.lastWindowScan = { key, scan };
      try {
        return await scan;
      } catch (err) {
        if (this.lastWindowScan?.scan === scan) this.lastWindowScan = undefined;
        throw err;
      }
    } catch (err) {
      throw storeError(`query windowScan failed on ${redactUrl(this.url)}`, 'STORE_QUERY', err);
    }
  }

  async clones(at: number): Promise<CloneRow[]> {
    const form = await this.summaryFor(at);
    if (form !== 'past') return q.collectClones(await this.all(form === 'now' ? q.cloneNamesSummaryQuery : q.cloneNamesQuery, { at }));
    try {
      const names = await this.pool.query({ name: 'kmswatch_clonesPast', text: q.clonesPastSql.postgres.names, values: [at] });
      return q.collectClones(await q.clonesPast(names.rows as q.RawRow[], async (cmidId, machineKeyId) => {
        const res = await this.pool.query({ name: 'kmswatch_cloneLastUpTo', text: q.clonesPastSql.postgres.lastUpTo, values: [cmidId, machineKeyId, at] });
        return q.numOrNull((res.rows[0] as q.RawRow | undefined)?.last_seen);
      }));
    } catch (err) {
      throw storeError(`query clones failed on ${redactUrl(this.url)}`, 'STORE_QUERY', err);
    }
  }

  async clientOverview(at: number, bounds: ClientOverviewBounds): Promise<ClientOverview> {
    if ((await this.summaryFor(at)) !== 'now') return overviewOf(await this.latestClients(at), bounds);
    try {
      const scanned = await this.pool.query({
        name: 'kmswatch_clientOverview', text: q.clientOverviewSql.postgres, values: [bounds.lapsedBefore, bounds.overdueBefore, bounds.expiringBy],
      });
      const scan = q.readOverviewScan(scanned.rows as q.RawRow[]);
      const [lookups, rows] = await Promise.all([
        this.summaryLookups(),
        this.pool.query({ name: 'kmswatch_overviewRows', text: q.overviewRowsSql.postgres, values: [scan.cmidIds], rowMode: 'array' }),
      ]);
      return q.overviewFromRows(scan, rows.rows as unknown[][], lookups, at, bounds);
    } catch (err) {
      throw storeError(`query clientOverview failed on ${redactUrl(this.url)}`, 'STORE_QUERY', err);
    }
  }

  private async summaryLookups(): Promise<q.SummaryLookups> {
    const [hosts, products] = await Promise.all([
      this.pool.query({ name: 'kmswatch_summaryHosts', text: q.summaryHostsSql.postgres }),
      this.pool.query({ name: 'kmswatch_summaryProducts', text: q.summaryProductsSql.postgres }),
    ]);
    return q.summaryLookups(hosts.rows, products.rows);
  }

  async failures(from: number, to: number): Promise<FailureRow[]> {
    return this.all(q.failuresQuery, { from, to });
  }

  async latestClients(at: number, filter?: ClientFilter): Promise<ClientRow[]> {
    const params = q.latestClientsParams(at, filter);
    const form = await this.summaryFor(at);
    if (form === 'none') return this.all(q.latestClientsQuery, params);
    try {
      if (form === 'past') return await latestClientsPast(this.pastClientsSource(), params);
      const [hosts, products, rows] = await Promise.all([
        this.pool.query({ name: 'kmswatch_summaryHosts', text: q.summaryHostsSql.postgres }),
        this.pool.query({ name: 'kmswatch_summaryProducts', text: q.summaryProductsSql.postgres }),
        // arrays, not objects: one row per client (hundreds of thousands at scale)
        this.pool.query({ name: 'kmswatch_clientSummaryRows', text: q.clientSummaryRowsSql.postgres, rowMode: 'array' }),
      ]);
      return q.latestFromSummary(rows.rows as unknown[][], q.summaryLookups(hosts.rows, products.rows), params);
    } catch (err) {
      throw storeError(`query latestClients failed on ${redactUrl(this.url)}`, 'STORE_QUERY', err);
    }
  }

  /** Reads for the past form of latestClients (queries/latest-clients.ts). */
  private pastClientsSource(): PastClientsSource {
    const raw = async (name: string, text: string, values: unknown[] = []) =>
      (await this.pool.query({ name: `kmswatch_${name}`, text, values, rowMode: 'array' })).rows as unknown[][];
    return {
      lookups: () => this.summaryLookups(),
      summaryRows: () => raw('pastSummary', pastClientsSql.summary),
      afterCounts: (fromSecond, toSecond, at) => raw('pastAfterCounts', pastClientsSql.postgres.afterCounts, [fromSecond, toSecond, at]),
      window: (fromSecond, toSecond, lo, hi) => raw('pastWindow', pastClientsSql.postgres.window, [fromSecond, toSecond, lo, hi]),
      byCmids: (ids, at) => raw('pastByCmids', pastClientsSql.postgres.byCmids, [ids, at]),
    };
  }

  async products(at: number): Promise<ProductRow[]> {
    const form = await this.summaryFor(at);
    if (form !== 'past') return this.all(form === 'now' ? q.productsSummaryQuery : q.productsQuery, { at });
    const sql = q.productsPastSql.postgres;
    const rows = async (name: string, text: string, values: unknown[]) => (await this.pool.query({ name: `kmswatch_${name}`, text, values })).rows as q.RawRow[];
    try {
      return await q.productsPast({
        summary: (at) => rows('productsPastSummary', sql.summary, [at]),
        tail: (at, atSecond) => rows('productsPastTail', sql.tail, [at, atSecond]),
        window: (lo, hi) => rows('productsPastWindow', sql.window, [lo, hi, Math.floor(lo / 1000), Math.floor(hi / 1000)]),
      }, at);
    } catch (err) {
      throw storeError(`query products failed on ${redactUrl(this.url)}`, 'STORE_QUERY', err);
    }
  }

  async anomalies(at: number, limit: number): Promise<{ total: number; rows: AnomalyRow[] }> {
    const [[total], rows] = await Promise.all([
      this.all(q.anomalyCountQuery, { at }),
      this.all(q.anomaliesQuery, { at, limit: Math.max(0, Math.trunc(limit)) }),
    ]);
    return { total, rows };
  }

  async hostEventCounts(at: number): Promise<HostEventCountRow[]> {
    return this.all(q.hostEventCountsQuery, { at });
  }

  async logClears(): Promise<LogClearRow[]> {
    return this.all(q.logClearsQuery, {});
  }

  async coverage(): Promise<LogSpanRow[]> {
    return this.all(q.coverageQuery, {});
  }

  async clientRequests(cmid: string, limit: number): Promise<RequestRow[]> {
    return this.all(q.clientRequestsQuery, { cmid: cmid.toLowerCase(), limit: Math.max(0, Math.trunc(limit)) });
  }

  async dailyActivity(host: string | null, from: number, to: number): Promise<DailyActivityRow[]> {
    return this.all(q.dailyActivityQuery, { from, to, ...q.secondBounds(from, to), host: host === null ? null : hostKey(host) });
  }

  // ---- alert state and collector meta (src/alerts, src/collect; migration 0100) ----

  async markDamaged(marks: readonly DamageMark[]): Promise<void> {
    if (marks.length === 0) return;
    // the keys as writeBatch stores them: a NUL becomes U+FFFD there too (nul.ts)
    const columns: unknown[][] = [[], [], [], [], [], [], []];
    for (const m of marks) {
      const row = [hostKey(textWithoutNul(m.host)), textWithoutNul(m.channel), Math.floor(m.time / 1000), m.recordId, textWithoutNul(m.file), m.chunk, m.checks];
      row.forEach((v, i) => columns[i].push(v));
    }
    try {
      await this.pool.query({ name: 'kmswatch_insertDamageMarks', text: q.insertDamageMarkSql.postgres, values: columns });
    } catch (err) {
      throw storeError(`marking ${marks.length} events from damaged chunks in ${redactUrl(this.url)}`, 'STORE_WRITE', err);
    }
  }

  async damagedEvents(at: number): Promise<DamagedEventRow[]> {
    return this.all(q.damagedEventsQuery, { at });
  }

  async alertStates(): Promise<AlertState[]> {
    return this.all(q.alertStatesQuery, {});
  }

  async saveAlertStates(states: readonly AlertState[]): Promise<void> {
    if (states.length === 0) return;
    const sql = q.upsertAlertStateSql;
    try {
      await inTransaction(this.pool, async (client) => {
        for (const s of states) {
          const named = q.alertStateParams(s);
          await client.query({ name: 'kmswatch_upsertAlertState', text: sql.postgres, values: sql.params.map((p) => named[p]) });
        }
      });
    } catch (err) {
      throw storeError(`saving ${states.length} alert states to ${redactUrl(this.url)}`, 'STORE_WRITE', err);
    }
  }

  async getMeta(key: string): Promise<string | null> {
    return (await this.all(q.metaQuery, { key }))[0]?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    try {
      await this.pool.query({ name: 'kmswatch_setMeta', text: q.setMetaSql.postgres, values: [key, value] });
    } catch (err) {
      throw storeError(`setting ${key} in ${redactUrl(this.url)}`, 'STORE_WRITE', err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // the requests are stored either way; this saves the next reader a catch-up in SQL
      await this.pending.flush(this.pool);
    } finally {
      await this.pool.end();
    }
  }
}

/**
 * What a shared-mode batch may meet from a concurrent one: a changed plan, a dedup key that the
 * other batch stored first (unique violation of requests_dedup), or a deadlock between their rows.
 */
function isConcurrencyConflict(err: unknown): boolean {
  if (err instanceof ConcurrentBatchConflict) return true;
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '40P01' || (e?.code === '23505' && e.constraint === 'requests_dedup');
}
