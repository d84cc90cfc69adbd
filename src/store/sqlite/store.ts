import Database from 'better-sqlite3';
import type { KmsRecord } from '../../kms/types.js';
import { checkBatchRecord, planBatch, checkpointId } from '../batch-plan.js';
import { emptyVerdict, requestContentOfRow, type CopyKey, type CopyVerdict } from '../copies.js';
import { copyWork, judgeBatch, type BatchRequests } from '../copy-candidates.js';
import { withCopies } from '../copy-result.js';
import { batchSpans, mergeSpan } from '../spans.js';
import type { RequestColumns } from '../request-columns.js';
import {
  ANOMALY_COLUMNS, CLIENT_EVENT_COLUMNS, HOST_EVENT_COLUMNS,
  writeAnomaly, writeClientEvent, writeHostEvent,
} from '../columns.js';
import { overviewOf } from '../client-overview.js';
import { hostKey } from '../dedup.js';
import * as q from '../queries/index.js';
import {
  StoreError,
  type AlertState, type AnomalyRow, type Checkpoint, type ClientFilter, type DamageMark, type DamagedEventRow, type ClientOverview, type ClientOverviewBounds, type ClientRow, type CloneRow,
  type DailyActivityRow, type FailureRow, type HostActivityRow, type HostEventCountRow,
  type LogClearRow, type LogSpan, type LogSpanRow, type MigrationReport, type ProductRow, type RequestRow, type Store,
  type StoreCapabilities, type TotalsRow, type WindowActiveRow, type WindowCountRow, type WriteResult,
} from '../types.js';
import { BulkInsert } from './bulk-insert.js';
import { migrateSqlite } from './migrator.js';
import { SqliteRequestWriter, type PrefilledRequests, type WrittenRequests } from './request-writer.js';
import { SqliteSummarySync } from './summary-sync.js';
import { ThreadedWriter } from './threaded-writer.js';

const sqliteBool = (b: boolean): number => (b ? 1 : 0);

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; booleans become 0/1. */
function bindable(names: readonly string[], params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of names) {
    const v = params[k];
    out[k] = typeof v === 'boolean' ? sqliteBool(v) : v;
  }
  return out;
}

function flushed(bulk: BulkInsert): number {
  bulk.flush();
  return bulk.takeInserted();
}

function stripKey({ hostKey: _k, ...rest }: q.CheckpointWithKey): Checkpoint {
  return rest;
}

export interface SqliteStoreOptions {
  /** ms to wait for another process's write lock before failing. */
  busyTimeoutMs?: number;
  /**
   * Write batches in a worker thread with its own connection (threaded-writer.ts), so a caller
   * that keeps a batch in flight reads and decodes the next one meanwhile. File databases only.
   */
  writerThread?: boolean;
}

/** The Store on SQLite (better-sqlite3): WAL, one IMMEDIATE transaction per batch. */
export class SqliteStore implements Store {
  readonly backend = 'sqlite' as const;
  readonly capabilities: StoreCapabilities = { transactionalDdl: true, copy: false, concurrentWriters: false };

  private readonly statements = new Map<string, Database.Statement>();
  private inserts?: {
    requests: SqliteRequestWriter; summary: SqliteSummarySync; hostEvents: BulkInsert; clientEvents: BulkInsert; anomalies: BulkInsert;
    upsertCheckpoint: Database.Statement; insertLogClear: Database.Statement;
  };
  private closed = false;
  private lastWindowScan?: { key: string; scan: q.WindowScan };

  private readonly writer: ThreadedWriter | null;

  constructor(readonly db: Database.Database, readonly location: string, options: SqliteStoreOptions = {}) {
    this.writer = options.writerThread && location !== ':memory:' ? new ThreadedWriter({ location, busyTimeoutMs: options.busyTimeoutMs }) : null;
  }

  static open(location: string, options: SqliteStoreOptions = {}): SqliteStore {
    let db: Database.Database;
    try {
      db = new Database(location);
      // larger pages for a new database (no effect on an existing one): fewer, larger writes and
      // shallower B-trees for a table of millions of narrow rows
      db.pragma('page_size = 16384');
      if (location !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 10_000)}`);
      db.pragma('foreign_keys = ON');
      // a larger page cache keeps the index B-trees of a bulk load in memory (-n = n KiB)
      db.pragma('cache_size = -65536');
      db.pragma('temp_store = MEMORY');
      // checkpoint the WAL every ~40 MB instead of ~4 MB: a bulk load copies pages fewer times
      db.pragma('wal_autocheckpoint = 10000');
    } catch (err) {
      throw new StoreError(`cannot open SQLite database ${location}: ${(err as Error).message}`, 'STORE_OPEN', { cause: err });
    }
    return new SqliteStore(db, location, options);
  }

  async migrate(): Promise<MigrationReport> {
    return migrateSqlite(this.db);
  }

  async writeBatch(records: readonly KmsRecord[]): Promise<WriteResult> {
    if (this.writer !== null) return records.length === 0 ? this.writeBatchSync(records) : this.writer.write(records);
    return this.writeBatchSync(records);
  }

  /** syncSummary() after the writer thread, if any, wrote the fold of its batches (an ingest's end). */
  async writeSummary(): Promise<boolean> {
    await this.writerSynced();
    return this.syncSummary();
  }

  /** Before reading the summaries: the writer thread writes the fold of its batches first. */
  private async writerSynced(): Promise<void> {
    if (this.writer?.unsynced) await this.writer.sync();
  }

  /** The synchronous body of writeBatch (one IMMEDIATE transaction). */
  writeBatchSync(records: readonly KmsRecord[]): WriteResult {
    return this.writePlanned(records, null);
  }

  /**
   * writeBatch of a batch the main thread prepared (writer-thread.ts): stand-ins carry what
   * planBatch reads of each request, `prefilled` the requests' columns with provisional ids for
   * strings and products not yet known there, resolved here inside the transaction.
   */
  writePrepared(standIns: readonly KmsRecord[], prefilled: PrefilledRequests): WriteResult {
    return this.writePlanned(standIns, prefilled);
  }

  private writePlanned(records: readonly KmsRecord[], prefilled: PrefilledRequests | null): WriteResult {
    const result: WriteResult = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };
    if (records.length === 0) return result;
    const ins = this.prepareInserts();
    let written: WrittenRequests | undefined;
    let summaryWritten = false;
    const run = this.db.transaction(() => {
      if (prefilled === null) records.forEach(checkBatchRecord);
      const maxIdBefore = ins.summary.beginBatch();
      const stored = this.loadCheckpoints(records);
      const positions: number[] = [];
      for (let i = 0; i < records.length; i++) if (records[i].kind === 'request') positions.push(i);
      const cols = prefilled === null
        ? ins.requests.columnsOf(positions.map((i) => ({ record: records[i], hostKey: hostKey(records[i].host), epoch: 0 })))
        : ins.requests.columnsOfPrefilled(prefilled, positions.length);
      const { fresh, looseAt } = ins.requests.freshRows(cols);
      const copies = this.copyVerdict(records, stored, positions, cols, fresh, looseAt);
      const plan = planBatch(records, stored, Date.now(), true, copies.unplanned);
      for (let j = 0; j < positions.length; j++) cols.epoch[j] = plan.records[positions[j]].epoch;
      for (let i = 0; i < plan.records.length; i++) {
        const p = plan.records[i];
        if (copies.notStored.has(i)) continue;
        switch (p.record.kind) {
          case 'request': break;
          case 'host': ins.hostEvents.add(writeHostEvent, p); break;
          case 'client': ins.clientEvents.add(writeClientEvent, p); break;
          case 'anomaly': ins.anomalies.add(writeAnomaly, p); break;
        }
      }
      const kept = copies.notStored.size === 0 ? fresh : fresh.filter((row) => !copies.notStored.has(positions[row]));
      written = ins.requests.insertRows(cols, kept, maxIdBefore);
      result.requests = written.stored;
      summaryWritten = ins.summary.endBatch(written.deltas, written.maxId);
      result.hostEvents = flushed(ins.hostEvents);
      result.clientEvents = flushed(ins.clientEvents);
      result.anomalies = flushed(ins.anomalies);
      withCopies(result, records.length, copies);
      for (const clear of plan.logClears) {
        result.logClears += ins.insertLogClear.run({
          host: clear.host, hostKey: clear.hostKey, channel: clear.channel, epoch: clear.epoch,
          detectedAt: clear.detectedAt, previousLastRecordId: clear.previousLastRecordId,
          previousLastTime: clear.previousLastTime, firstRecordId: clear.firstRecordId,
        }).changes;
      }
      for (const cp of plan.checkpoints) {
        ins.upsertCheckpoint.run({
          hostKey: cp.hostKey, channel: cp.channel, host: cp.host, lastRecordId: cp.lastRecordId,
          lastTime: cp.lastTime, epoch: cp.epoch, updatedAt: cp.updatedAt,
        });
      }
      this.writeSpans(batchSpans(plan, copies.unplanned));
    });
    try {
      run.immediate();
    } catch (err) {
      for (const bulk of [ins.hostEvents, ins.clientEvents, ins.anomalies]) bulk.reset();
      // ids the failed transaction added to the lookup tables were rolled back with it
      ins.requests.dictionary.forget();
      ins.summary.rolledBack();
      throw new StoreError(`writing a batch of ${records.length} records to ${this.location} failed: ${(err as Error).message}`, 'STORE_WRITE', { cause: err });
    }
    if (written !== undefined) ins.summary.committed(written.deltas, written.maxId, summaryWritten);
    return result;
  }

  /** Which records of the batch are copies of stored events (store/copies.ts), read inside the batch's transaction. */
  private copyVerdict(
    records: readonly KmsRecord[], stored: ReadonlyMap<string, Checkpoint>, positions: readonly number[],
    cols: RequestColumns, fresh: Int32Array, looseAt: (row: number) => boolean,
  ): CopyVerdict {
    const requests: BatchRequests | null = positions.length === 0 ? null : {
      rows: positions.length, positionOf: (j) => positions[j], fresh, looseAt,
      content: (j) => requestContentOfRow(cols, j), cmidId: (j) => cols.cmidId[j], hostId: (j) => cols.hostId[j],
    };
    const localSources = new Map<string, string>();
    const work = copyWork(records, stored, requests, (key) => {
      const sources = this.db.prepare(q.localSourcesSql.sqlite).all({ hostKey: key }) as { source: string; zone: string }[];
      for (const { source, zone } of sources) localSources.set(source, zone);
      return sources.length > 0;
    });
    if (work.candidates.length === 0) return emptyVerdict();
    const copies: CopyKey[] = [];
    for (const question of work.questions) {
      if (question.cmidIds.size > 0) {
        const rows = this.db.prepare(q.requestCopiesSql.sqlite).all({
          cmidIds: JSON.stringify([...question.cmidIds]), hostId: question.hostId,
          fromSecond: question.fromSecond, toSecond: question.toSecond,
        }) as q.RawRow[];
        for (const row of rows) copies.push(q.requestCopyOf(question.hostKey, row));
      }
      if (question.events) {
        const rows = this.db.prepare(q.eventCopiesSql.sqlite).all({ hostKey: question.hostKey, from: question.from, to: question.to }) as q.RawRow[];
        for (const row of rows) copies.push(q.eventCopyOf(question.hostKey, row));
      }
    }
    return judgeBatch(records, work, copies, localSources);
  }

  /** Adds the batch's stretches to log_spans, merged with the ones they overlap or continue (store/spans.ts). */
  private writeSpans(spans: readonly LogSpan[]): void {
    if (spans.length === 0) return;
    const group = this.db.prepare(q.spanGroupSql.sqlite);
    const remove = this.db.prepare(q.deleteSpanSql.sqlite);
    const insert = this.db.prepare(q.insertSpanSql.sqlite);
    for (const span of spans) {
      const where = { hostKey: span.hostKey, channel: span.channel, epoch: span.epoch, source: span.source };
      const { remove: keys, write } = mergeSpan((group.all(where) as q.RawRow[]).map(q.spanOf), span);
      for (const spanKey of keys) remove.run({ ...where, spanKey });
      insert.run({ ...write });
    }
  }

  /**
   * Brings client_summary up to date with every stored request (summary-sync.ts); the queries call
   * it before they read the summary. False when the database cannot be written: the queries then
   * read the requests.
   */
  syncSummary(): boolean {
    return this.prepareInserts().summary.sync();
  }

  private loadCheckpoints(records: readonly KmsRecord[]): Map<string, Checkpoint> {
    // the checkpoints table holds one row per (host, channel): a few rows, read whole
    const wanted = new Set<string>();
    let prev: KmsRecord | undefined;
    for (const r of records) {
      // batches are runs of one host and channel: one key per run
      if (prev === undefined || r.host !== prev.host || r.channel !== prev.channel) wanted.add(checkpointId(hostKey(r.host), r.channel));
      prev = r;
    }
    const out = new Map<string, Checkpoint>();
    for (const cp of this.all(q.checkpointsQuery, {})) {
      const id = checkpointId(cp.hostKey, cp.channel);
      if (wanted.has(id)) out.set(id, stripKey(cp));
    }
    return out;
  }

  private prepareInserts() {
    if (!this.inserts) {
      this.inserts = {
        requests: new SqliteRequestWriter(this.db),
        summary: new SqliteSummarySync(this.db),
        hostEvents: new BulkInsert(this.db, 'host_events', HOST_EVENT_COLUMNS),
        clientEvents: new BulkInsert(this.db, 'client_events', CLIENT_EVENT_COLUMNS),
        anomalies: new BulkInsert(this.db, 'anomalies', ANOMALY_COLUMNS),
        upsertCheckpoint: this.db.prepare(q.upsertCheckpointSql.sqlite),
        insertLogClear: this.db.prepare(q.insertLogClearSql.sqlite),
      };
    }
    return this.inserts;
  }

  private statement(query: q.Query<unknown>): Database.Statement {
    let stmt = this.statements.get(query.name);
    if (stmt === undefined) {
      stmt = this.db.prepare(query.sqlite);
      this.statements.set(query.name, stmt);
    }
    return stmt;
  }

  private all<Row>(query: q.Query<Row>, params: Record<string, unknown>): Row[] {
    try {
      const stmt = this.statement(query as q.Query<unknown>);
      const rows = (query.params.length === 0 ? stmt.all() : stmt.all(bindable(query.params, params))) as q.RawRow[];
      return rows.map((r) => query.mapRow(r));
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError(`query ${query.name} failed on ${this.location}: ${(err as Error).message}`, 'STORE_QUERY', { cause: err });
    }
  }

  async checkpoints(): Promise<Checkpoint[]> {
    return this.all(q.checkpointsQuery, {}).map(stripKey);
  }

  async checkpoint(host: string, channel: string): Promise<Checkpoint | null> {
    const [row] = this.all(q.checkpointQuery, { hostKey: hostKey(host), channel });
    return row ? stripKey(row) : null;
  }

  /** Whether the summary tables answer "time <= at" exactly (queries/freshness.ts). */
  private summaryCovers(at: number): boolean {
    return this.summaryFor(at) === 'now';
  }

  /**
   * How the summaries answer a question about `time <= at`: 'now' directly (no request is newer
   * than `at`), 'past' corrected by the requests after `at` (queries' past forms), 'none' when they
   * cannot be brought up to date (a read-only database): the queries then read every request.
   */
  private summaryFor(at: number): 'now' | 'past' | 'none' {
    if (!this.syncSummary()) return 'none';
    return q.summaryCovers(this.all(q.newestRequestQuery, {})[0], at) ? 'now' : 'past';
  }

  async totals(at: number): Promise<TotalsRow> {
    await this.writerSynced();
    const form = this.summaryFor(at);
    if (form === 'past') return this.all(q.totalsPastQuery, { at, atSecond: Math.floor(at / 1000) })[0];
    return this.all(form === 'now' ? q.totalsSummaryQuery : q.totalsQuery, { at })[0];
  }

  async hostActivity(at: number): Promise<HostActivityRow[]> {
    await this.writerSynced();
    const form = this.summaryFor(at);
    if (form === 'past') return this.all(q.hostActivityPastQuery, { at, atSecond: Math.floor(at / 1000) });
    return this.all(form === 'now' ? q.hostActivitySummaryQuery : q.hostActivityQuery, { at });
  }

  async windowCounts(from: number, to: number): Promise<WindowCountRow[]> {
    await this.writerSynced();
    return this.windowScan(from, to).counts;
  }

  async windowActive(from: number, to: number): Promise<WindowActiveRow[]> {
    await this.writerSynced();
    return this.windowScan(from, to).active;
  }

  /**
   * Both window answers from one scan (queries/window-scan.ts). A report asks for both with the same
   * window: the last scan is kept while the database is unchanged (PRAGMA data_version moves on
   * other connections' commits, total_changes() on this one's).
   */
  private windowScan(from: number, to: number): q.WindowScan {
    try {
      const version = this.db.prepare('SELECT (SELECT data_version FROM pragma_data_version) || \':\' || total_changes()').pluck().get() as string;
      const key = `${from}:${to}:${version}`;
      if (this.lastWindowScan?.key === key) return this.lastWindowScan.scan;
      // from client_summary when it covers `to`, else from the window's requests
      const row = this.summaryCovers(to)
        ? this.db.prepare(q.windowScanSql.sqlite).get({ from, to })
        : this.db.prepare(q.windowScanSql.sqliteRequests).get({ from, to, ...q.secondBounds(from, to) });
      const scan = q.countWindowScan(row as q.RawRow, this.summaryLookups());
      this.lastWindowScan = { key, scan };
      return scan;
    } catch (err) {
      throw new StoreError(`query windowScan failed on ${this.location}: ${(err as Error).message}`, 'STORE_QUERY', { cause: err });
    }
  }

  async clones(at: number): Promise<CloneRow[]> {
    await this.writerSynced();
    const form = this.summaryFor(at);
    if (form !== 'past') return q.collectClones(this.all(form === 'now' ? q.cloneNamesSummaryQuery : q.cloneNamesQuery, { at }));
    try {
      const names = this.db.prepare(q.clonesPastSql.sqlite.names).all({ at }) as q.RawRow[];
      const last = this.db.prepare(q.clonesPastSql.sqlite.lastUpTo).pluck();
      return q.collectClones(await q.clonesPast(names, async (cmidId, machineKeyId) => q.numOrNull(last.get({ cmidId, machineKeyId, at }))));
    } catch (err) {
      throw new StoreError(`query clones failed on ${this.location}: ${(err as Error).message}`, 'STORE_QUERY', { cause: err });
    }
  }

  async failures(from: number, to: number): Promise<FailureRow[]> {
    return this.all(q.failuresQuery, { from, to });
  }

  async latestClients(at: number, filter?: ClientFilter): Promise<ClientRow[]> {
    await this.writerSynced();
    const params = q.latestClientsParams(at, filter);
    try {
      const form = this.summaryFor(at);
      // without a current summary, rank the requests
      if (form === 'none') return this.all(q.latestClientsQuery, params);
      if (form === 'past') {
        return this.db.transaction(() => {
          this.buildSummaryAsOf(at);
          const rows = this.db.prepare(q.clientSummaryRowsSql.sqliteAsOf).raw(true).all() as unknown[][];
          return q.latestFromSummary(rows, this.summaryLookups(), params);
        })();
      }
      const lookups = this.summaryLookups();
      // arrays, not objects: this reads one row per client (hundreds of thousands at scale)
      const rows = this.db.prepare(q.clientSummaryRowsSql.sqlite).raw(true).all() as unknown[][];
      return q.latestFromSummary(rows, lookups, params);
    } catch (err) {
      throw new StoreError(`query latestClients failed on ${this.location}: ${(err as Error).message}`, 'STORE_QUERY', { cause: err });
    }
  }

  async clientOverview(at: number, bounds: ClientOverviewBounds): Promise<ClientOverview> {
    await this.writerSynced();
    const form = this.summaryFor(at);
    if (form === 'none') return overviewOf(await this.latestClients(at), bounds);
    try {
      return this.db.transaction(() => {
        if (form === 'past') this.buildSummaryAsOf(at);
        const sql = form === 'past' ? { scan: q.clientOverviewSql.sqliteAsOf, rows: q.overviewRowsSql.sqliteAsOf } : { scan: q.clientOverviewSql.sqlite, rows: q.overviewRowsSql.sqlite };
        const scan = q.readOverviewScan(this.db.prepare(sql.scan).all(bounds) as q.RawRow[]);
        const rows = this.db.prepare(sql.rows).raw(true).all({ ids: JSON.stringify(scan.cmidIds) }) as unknown[][];
        return q.overviewFromRows(scan, rows, this.summaryLookups(), at, bounds);
      })();
    } catch (err) {
      throw new StoreError(`query clientOverview failed on ${this.location}: ${(err as Error).message}`, 'STORE_QUERY', { cause: err });
    }
  }

  /**
   * Fills the temporary asof_summary with client_summary as of `at` (queries/summary-as-of.ts);
   * the caller runs this and its reads in one transaction.
   */
  private buildSummaryAsOf(at: number): void {
    const sql = q.summaryAsOfSql;
    for (const statement of [...sql.create, ...sql.reset]) this.db.exec(statement);
    const atSecond = Math.floor(at / 1000);
    this.db.prepare(sql.seed[0]).run({ at });
    this.db.prepare(sql.seed[1]).run({ at, atSecond });
    const resolve = this.db.prepare(sql.resolveWindow);
    const close = this.db.prepare(sql.closeResolved);
    const open = this.db.prepare(sql.openFrom);
    let hi = at;
    let span = q.AS_OF_FIRST_WINDOW_MS;
    for (let left = open.get() as { n: number; first: number | null }; left.n > 0 && left.first !== null && hi >= left.first; left = open.get() as { n: number; first: number | null }) {
      const lo = hi - span;
      resolve.run({ lo, hi, loSecond: Math.floor(lo / 1000), hiSecond: Math.floor(hi / 1000) });
      close.run();
      hi = lo;
      span *= 2;
    }
    const left = open.get() as { n: number };
    if (left.n > 0) throw new StoreError(`${left.n} client_summary rows have no request up to ${new Date(at).toISOString()} although their first is`, 'STORE_QUERY');
  }

  private summaryLookups(): q.SummaryLookups {
    return q.summaryLookups(this.db.prepare(q.summaryHostsSql.sqlite).all() as q.RawRow[], this.db.prepare(q.summaryProductsSql.sqlite).all() as q.RawRow[]);
  }

  async products(at: number): Promise<ProductRow[]> {
    await this.writerSynced();
    const form = this.summaryFor(at);
    if (form !== 'past') return this.all(form === 'now' ? q.productsSummaryQuery : q.productsQuery, { at });
    const sql = q.productsPastSql.sqlite;
    const rows = (text: string, params: Record<string, unknown>) => this.db.prepare(text).all(params) as q.RawRow[];
    try {
      return await q.productsPast({
        summary: async (at) => rows(sql.summary, { at }),
        tail: async (at, atSecond) => rows(sql.tail, { at, atSecond }),
        window: async (lo, hi) => rows(sql.window, { lo, hi, loSecond: Math.floor(lo / 1000), hiSecond: Math.floor(hi / 1000) }),
      }, at);
    } catch (err) {
      throw new StoreError(`query products failed on ${this.location}: ${(err as Error).message}`, 'STORE_QUERY', { cause: err });
    }
  }

  async anomalies(at: number, limit: number): Promise<{ total: number; rows: AnomalyRow[] }> {
    const total = this.all(q.anomalyCountQuery, { at })[0];
    const rows = this.all(q.anomaliesQuery, { at, limit: Math.max(0, Math.trunc(limit)) });
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

  // ---- marks of events from damaged EVTX chunks (migration 1000) ----

  async markDamaged(marks: readonly DamageMark[]): Promise<void> {
    if (marks.length === 0) return;
    try {
      const insert = this.db.prepare(q.insertDamageMarkSql.sqlite);
      this.db.transaction(() => {
        for (const m of marks) {
          insert.run({ hostKey: hostKey(m.host), channel: m.channel, second: Math.floor(m.time / 1000), rec: m.recordId, file: m.file, chunk: m.chunk, checks: m.checks });
        }
      }).immediate();
    } catch (err) {
      throw new StoreError(`marking ${marks.length} events from damaged chunks in ${this.location} failed: ${(err as Error).message}`, 'STORE_WRITE', { cause: err });
    }
  }

  async damagedEvents(at: number): Promise<DamagedEventRow[]> {
    await this.writerSynced();
    return this.all(q.damagedEventsQuery, { at });
  }

  // ---- alert state and collector meta (src/alerts, src/collect; migration 0100) ----

  async alertStates(): Promise<AlertState[]> {
    return this.all(q.alertStatesQuery, {});
  }

  async saveAlertStates(states: readonly AlertState[]): Promise<void> {
    if (states.length === 0) return;
    try {
      const upsert = this.db.prepare(q.upsertAlertStateSql.sqlite);
      this.db.transaction(() => {
        for (const s of states) upsert.run(q.alertStateParams(s));
      }).immediate();
    } catch (err) {
      throw new StoreError(`saving ${states.length} alert states to ${this.location} failed: ${(err as Error).message}`, 'STORE_WRITE', { cause: err });
    }
  }

  async getMeta(key: string): Promise<string | null> {
    return this.all(q.metaQuery, { key })[0]?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    try {
      this.db.prepare(q.setMetaSql.sqlite).run({ key, value });
    } catch (err) {
      throw new StoreError(`setting ${key} in ${this.location} failed: ${(err as Error).message}`, 'STORE_WRITE', { cause: err });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.writer?.close();
    } finally {
      this.closeSync();
    }
  }

  /** close() without the writer thread (the thread itself closes its store this way). */
  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      // the requests are stored either way; this saves the next reader a catch-up in SQL
      if (this.inserts !== undefined && this.inserts.summary.pendingRequests > 0) this.inserts.summary.sync();
    } finally {
      this.db.close();
    }
  }
}
