import type { DiscoveryCheck } from '../discover/index.js';
import type { KmsRecord } from '../kms/types.js';
import { overviewOf } from './client-overview.js';
import { hostKey } from './dedup.js';
import { Dictionary } from './dictionary.js';
import type { Driver, Params, Sql } from './driver.js';
import { migrate } from './migrate.js';
import { textWithoutNul } from './nul.js';
import { pruneStore } from './prune.js';
import * as q from './queries/index.js';
import { latestClientsPast, pastClientsSql, type PastClientsSource } from './queries/latest-clients.js';
import {
  StoreError,
  type AlertState, type AnomalyRow, type Checkpoint, type ClientEventRow, type ClientFilter, type ClientOverview, type PairedClientRequests, type ClientSideFacts, type ClientsNaming, type ClientOverviewBounds, type ClientRow, type ClientSelection, type CountedNewestRow, type FailureCountRow,
  type CloneRow, type DailyActivityRow, type DamageMark, type DamagedEventRow, type FailureRow, type HostActivityRow, type HostEventCountRow,
  type LogClearRow, type LogSpanRow, type MigrationReport, type ProductRow, type ProductSeenRow, type PruneResult, type RequestRow, type Store, type TotalsRow,
  type WindowActiveRow, type WindowCountRow, type WriteResult, type ActiveSeriesRow,
} from './types.js';
import { ACTIVE_MS, combineMinimums } from './rules/activity.js';
import { isSelected } from './rules/index.js';
import { PAIRING_WINDOW_MS } from './rules/client-pairing.js';
import { sortedFacts } from './rules/client-side-facts.js';
import { DAY_MS, utcDayStart } from './rules/window.js';

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
import { writeBatch } from './write-batch.js';

/** A statement kept as a pair of texts in src/store/queries, with its parameter names. */
const pair = (name: string, params: readonly string[], texts: { sqlite: string; postgres: string }): Sql => ({ name, params, sqlite: texts.sqlite, postgres: texts.postgres });

const PAST = {
  clonesNames: pair('clonesPastNames', ['at'], { sqlite: q.clonesPastSql.sqlite.names, postgres: q.clonesPastSql.postgres.names }),
  cloneLastUpTo: pair('cloneLastUpTo', ['cmidId', 'machineKeyId', 'at'], { sqlite: q.clonesPastSql.sqlite.lastUpTo, postgres: q.clonesPastSql.postgres.lastUpTo }),
  productsSummary: pair('productsPastSummary', ['at'], { sqlite: q.productsPastSql.sqlite.summary, postgres: q.productsPastSql.postgres.summary }),
  productsTail: pair('productsPastTail', ['at', 'atSecond'], { sqlite: q.productsPastSql.sqlite.tail, postgres: q.productsPastSql.postgres.tail }),
  productsWindow: pair('productsPastWindow', ['lo', 'hi', 'loSecond', 'hiSecond'], { sqlite: q.productsPastSql.sqlite.window, postgres: q.productsPastSql.postgres.window }),
  clientsSummary: pair('pastSummary', [], { sqlite: pastClientsSql.summary, postgres: pastClientsSql.summary }),
  clientsAfter: pair('pastAfterCounts', ['fromSecond', 'toSecond', 'at'], { sqlite: pastClientsSql.sqlite.afterCounts, postgres: pastClientsSql.postgres.afterCounts }),
  clientsWindow: pair('pastWindow', ['fromSecond', 'toSecond', 'lo', 'hi'], { sqlite: pastClientsSql.sqlite.window, postgres: pastClientsSql.postgres.window }),
  clientsByCmids: pair('pastByCmids', ['ids', 'at'], { sqlite: pastClientsSql.sqlite.byCmids, postgres: pastClientsSql.postgres.byCmids }),
};
const SUMMARY = {
  rows: pair('clientSummaryRows', [], q.clientSummaryRowsSql),
  hosts: pair('summaryHosts', [], q.summaryHostsSql),
  products: pair('summaryProducts', [], q.summaryProductsSql),
  overview: pair('clientOverview', ['lapsedBefore', 'overdueBefore', 'expiringBy', 'listLapsed'], q.clientOverviewSql),
  overviewRows: pair('overviewRows', ['ids'], q.overviewRowsSql),
  selectedIds: pair('selectedClientIds', ['states', 'expiringBy', 'unknown', 'cmids'], q.selectedClientIdsSql),
};

/**
 * The Store on a SQL database, the same for SQLite and PostgreSQL: each question one query of
 * src/store/queries (its two dialects side by side), each batch one transaction (write-batch.ts).
 * The summaries (client_summary, request_hosts) are current at every commit, so readers never write.
 */
export class SqlStore implements Store {
  private readonly ids = new Dictionary();
  private readonly countsAt = new Map<number, Promise<q.ActivityCountRow[] | null>>();
  private closed = false;

  /** The database, for tools that move whole tables (copy-store.ts). */
  constructor(readonly db: Driver) {}

  get backend(): 'sqlite' | 'postgres' {
    return this.db.dialect;
  }

  get readOnly(): boolean {
    return this.db.readOnly;
  }

  async migrate(): Promise<MigrationReport> {
    return migrate(this.db);
  }

  async writeBatch(records: readonly KmsRecord[]): Promise<WriteResult> {
    if (records.length === 0) return { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };
    if (this.db.readOnly) throw new StoreError(`${this.db.location} is open read-only`, 'STORE_READ_ONLY');
    try {
      return await writeBatch(this.db, records, this.ids);
    } catch (err) {
      throw this.writeError(`writing a batch of ${records.length} records`, err);
    }
  }

  async prune(before: number, options: { dryRun?: boolean } = {}): Promise<PruneResult> {
    try {
      return await pruneStore(this.db, before, options.dryRun === true);
    } catch (err) {
      throw this.writeError('pruning', err);
    }
  }

  private writeError(what: string, err: unknown): StoreError {
    if (err instanceof StoreError && err.code === 'STORE_READ_ONLY') return err;
    return new StoreError(`${what} in ${this.db.location} failed: ${(err as Error).message}`, 'STORE_WRITE', { cause: err });
  }

  private async all<Row>(query: q.Query<Row>, params: Params = {}): Promise<Row[]> {
    const rows = await this.db.rows(query, params);
    try {
      return rows.map((r) => query.mapRow(r));
    } catch (err) {
      throw new StoreError(`query ${query.name} on ${this.db.location}: ${(err as Error).message}`, 'STORE_QUERY', { cause: err });
    }
  }

  async checkpoints(): Promise<Checkpoint[]> {
    return (await this.all(q.checkpointsQuery)).map(withoutKey);
  }

  async checkpoint(host: string, channel: string): Promise<Checkpoint | null> {
    const [row] = await this.all(q.checkpointQuery, { hostKey: hostKey(host), channel });
    return row ? withoutKey(row) : null;
  }

  /**
   * Whether the summaries answer "time <= at" as they are: no request is newer than `at` (a report
   * as of now). Otherwise the queries' past forms correct them by the requests after `at`.
   */
  private async current(at: number): Promise<boolean> {
    return q.summaryCovers((await this.all(q.newestRequestQuery))[0], at);
  }

  async totals(at: number): Promise<TotalsRow> {
    if (await this.current(at)) return (await this.all(q.totalsSummaryQuery, { at }))[0];
    return (await this.all(q.totalsPastQuery, { at, atSecond: Math.floor(at / 1000) }))[0];
  }

  async hostActivity(at: number): Promise<HostActivityRow[]> {
    if (await this.current(at)) return this.all(q.hostActivitySummaryQuery, { at });
    return this.all(q.hostActivityPastQuery, { at, atSecond: Math.floor(at / 1000) });
  }

  async windowCounts(from: number, to: number): Promise<WindowCountRow[]> {
    const spans = to - from === ACTIVE_MS ? await this.activityCounts(to) : null;
    if (spans !== null) return countsOfSpans(spans);
    return this.all(q.windowCountsQuery, { from, to, ...q.secondBounds(from, to) });
  }

  async activeSeries(first: number, step: number, count: number): Promise<ActiveSeriesRow[]> {
    if (count <= 0) return [];
    const out = new Map<string, { host: string; application: ActiveSeriesRow['application']; deltas: Map<number, Map<number, number>> }>();
    for (const row of await this.all(q.activitySeriesQuery, { first, step, last: first + (count - 1) * step })) {
      const key = `${row.host}\u0000${row.application}`;
      let series = out.get(key);
      if (series === undefined) out.set(key, (series = { host: row.host, application: row.application, deltas: new Map() }));
      let deltas = series.deltas.get(row.minimum);
      if (deltas === undefined) series.deltas.set(row.minimum, (deltas = new Map()));
      deltas.set(row.k, row.delta);
    }
    return [...out.values()].map((s) => ({ host: s.host, application: s.application, ...combineMinimums(s.deltas, count) }));
  }

  async windowActive(from: number, to: number): Promise<WindowActiveRow[]> {
    const spans = to - from === ACTIVE_MS ? await this.activityCounts(to) : null;
    if (spans === null) return this.all(q.windowActiveQuery, { from, to, ...q.secondBounds(from, to) });
    return activeOfSpans(spans);
  }

  /**
   * The 30-day window ending at `at` from activity_spans (queries/activity.ts); null when a counted
   * run mixes minimum counts, where the requests answer. windowActive and windowCounts asked for
   * one instant together (as a report does) share one read.
   */
  private activityCounts(at: number): Promise<q.ActivityCountRow[] | null> {
    let pending = this.countsAt.get(at);
    if (pending === undefined) {
      pending = this.all(q.activityCountsQuery, { at }).then((rows) => (rows.some((r) => r.mixed > 0) ? null : rows));
      this.countsAt.set(at, pending);
      const forget = () => this.countsAt.delete(at);
      pending.then(forget, forget);
    }
    return pending;
  }

  async clones(at: number): Promise<CloneRow[]> {
    if (await this.current(at)) return q.collectClones(await this.all(q.cloneNamesSummaryQuery));
    const names = await this.db.rows(PAST.clonesNames, { at });
    return q.collectClones(await q.clonesPast(names, async (cmidId, machineKeyId) =>
      q.numOrNull((await this.db.rows(PAST.cloneLastUpTo, { cmidId, machineKeyId, at }))[0]?.last_seen)));
  }

  async failures(from: number, to: number): Promise<FailureRow[]> {
    return this.all(q.failuresQuery, { from, to });
  }

  async latestClients(at: number, filter?: ClientFilter): Promise<ClientRow[]> {
    const params = q.latestClientsParams(at, filter);
    if (!(await this.current(at))) return latestClientsPast(this.pastClients(), params);
    const [lookups, rows] = await Promise.all([this.summaryLookups(), this.db.arrays(SUMMARY.rows)]);
    return q.latestFromSummary(rows, lookups, params);
  }

  /** The reads of latestClients' past form (queries/latest-clients.ts). */
  private pastClients(): PastClientsSource {
    return {
      lookups: () => this.summaryLookups(),
      summaryRows: () => this.db.arrays(PAST.clientsSummary),
      afterCounts: (fromSecond, toSecond, at) => this.db.arrays(PAST.clientsAfter, { fromSecond, toSecond, at }),
      window: (fromSecond, toSecond, lo, hi) => this.db.arrays(PAST.clientsWindow, { fromSecond, toSecond, lo, hi }),
      byCmids: (ids, at) => this.db.arrays(PAST.clientsByCmids, { ids: this.db.list(ids), at }),
    };
  }

  async failureCounts(at: number): Promise<FailureCountRow[]> {
    if (await this.current(at)) return this.all(q.failureCountsSummaryQuery);
    return this.all(q.failureCountsPastQuery, { at, atSecond: Math.floor(at / 1000) });
  }

  async selectedClients(at: number, selection: ClientSelection): Promise<ClientRow[]> {
    if (!(await this.current(at))) return (await this.latestClients(at)).filter((c) => isSelected(c, selection));
    const ids = (await this.db.rows(SUMMARY.selectedIds, {
      states: this.db.list(selection.licenseStates ?? []),
      expiringBy: selection.expiringBy ?? Number.MIN_SAFE_INTEGER,
      unknown: selection.unknownProducts === true ? 1 : 0,
      cmids: this.db.list((selection.cmids ?? []).map((c) => c.toLowerCase())),
    })).map((r) => q.num(r.cmid_id));
    if (ids.length === 0) return [];
    const [lookups, rows] = await Promise.all([this.summaryLookups(), this.db.arrays(SUMMARY.overviewRows, { ids: this.db.list(ids) })]);
    return q.latestFromSummary(rows, lookups, q.latestClientsParams(at)).filter((c) => isSelected(c, selection));
  }

  async clientOverview(at: number, bounds: ClientOverviewBounds): Promise<ClientOverview> {
    if (!(await this.current(at))) return overviewOf(await this.latestClients(at), bounds);
    const { lapsedBefore, overdueBefore, expiringBy } = bounds;
    const scan = q.readOverviewScan(await this.db.rows(SUMMARY.overview, { lapsedBefore, overdueBefore, expiringBy, listLapsed: bounds.listLapsed === false ? 0 : 1 }));
    const [lookups, rows] = await Promise.all([this.summaryLookups(), this.db.arrays(SUMMARY.overviewRows, { ids: this.db.list(scan.cmidIds) })]);
    return q.overviewFromRows(scan, rows, lookups, at, bounds);
  }

  private async summaryLookups(): Promise<q.SummaryLookups> {
    const [hosts, products] = await Promise.all([this.db.rows(SUMMARY.hosts), this.db.rows(SUMMARY.products)]);
    return q.summaryLookups(hosts, products);
  }

  async products(at: number): Promise<ProductRow[]> {
    if (await this.current(at)) return this.all(q.productsSummaryQuery, { at });
    return q.productsPast({
      summary: (at) => this.db.rows(PAST.productsSummary, { at }),
      tail: (at, atSecond) => this.db.rows(PAST.productsTail, { at, atSecond }),
      window: (lo, hi) => this.db.rows(PAST.productsWindow, { lo, hi, loSecond: Math.floor(lo / 1000), hiSecond: Math.floor(hi / 1000) }),
    }, at);
  }

  async productsSeen(at: number): Promise<ProductSeenRow[]> {
    return this.all(q.productsSeenQuery, { at });
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
    return this.all(q.logClearsQuery);
  }

  async coverage(hosts?: readonly string[]): Promise<LogSpanRow[]> {
    if (hosts !== undefined) return this.all(q.hostsCoverageQuery, { keys: this.db.list([...new Set(hosts.map(hostKey))]) });
    return this.all(q.coverageQuery);
  }

  async clientRequests(cmid: string, limit: number): Promise<RequestRow[]> {
    return this.all(q.clientRequestsQuery, { cmid: cmid.toLowerCase(), limit: Math.max(0, Math.trunc(limit)) });
  }

  async countedNewest(from: number, to: number, limit: number): Promise<CountedNewestRow[]> {
    if (limit <= 0) return [];
    if (to - from === ACTIVE_MS && (await this.current(to))) {
      return this.all(q.countedNewestSpansQuery, { to, limit });
    }
    return this.all(q.countedNewestRequestsQuery, { from, to, ...q.secondBounds(from, to), limit });
  }

  async dailyActivity(host: string | null, from: number, to: number): Promise<DailyActivityRow[]> {
    const key = host === null ? null : hostKey(host);
    const exact = (lo: number, hi: number) => (lo >= hi ? [] : this.all(q.dailyActivityQuery, { from: lo, to: hi, ...q.secondBounds(lo, hi), host: key }));
    // whole days in (from, to] from daily_activity, the parts of days at either end from the requests
    const firstDay = utcDayStart(from) + DAY_MS;
    const endDay = utcDayStart(to + 1);
    if (firstDay >= endDay) return exact(from, to);
    const parts = await Promise.all([exact(from, firstDay - 1), this.all(q.dailyTableQuery, { fromDay: firstDay, toDay: endDay, host: key }), exact(endDay - 1, to)]);
    return parts.flat().sort((a, b) => compareText(a.host.toLowerCase(), b.host.toLowerCase()) || compareText(a.application, b.application) || a.day - b.day);
  }

  async clientEvents(from: number, to: number): Promise<ClientEventRow[]> {
    const rows = await this.all(q.clientEventsQuery, { from, to });
    if (rows.length === 0) return rows;
    const names = new Map((await this.db.arrays(q.hostNamesSql)).map(([key, host]) => [String(key), String(host)]));
    for (const r of rows) r.computer = names.get(r.computer) ?? r.computer;
    return rows;
  }

  async pairedClientRequests(from: number, to: number): Promise<PairedClientRequests> {
    const [requests, [{ responses }]] = await Promise.all([this.all(q.pairedRequestsQuery, { from, to }), this.all(q.clientResponsesQuery, { from, to })]);
    if (requests.length > 0) {
      const names = new Map((await this.db.arrays(q.hostNamesSql)).map(([key, host]) => [String(key), String(host)]));
      for (const r of requests) r.computer = names.get(r.computer) ?? r.computer;
    }
    return { requests, responses };
  }

  async clientSideFacts(from: number, to: number, limit: number): Promise<ClientSideFacts> {
    const window = { from, to, settled: to - PAIRING_WINDOW_MS };
    const [named, computers, unanswered, reported, [{ responses }]] = await Promise.all([
      this.all(q.clientNamedHostsQuery, window),
      this.all(q.clientComputersQuery, { from, to }),
      this.all(q.clientUnansweredQuery, window),
      this.all(q.clientReportedQuery, { from, to }),
      this.all(q.clientResponsesQuery, { from, to }),
    ]);
    // each host named lists its first computers (few hosts are named: one read each, in key order)
    const lists = await Promise.all(named.map((n) => (limit > 0 ? this.all(q.clientListQuery, { from, to, host: n.kmsHost, limit }) : [])));
    // of answers at one time the last in the read order (the rule's)
    const newest = new Map(reported.map((r) => [JSON.stringify([r.kmsHost, r.activationId, r.minimumCount]), r]));
    return sortedFacts({
      requests: named.reduce((n, h) => n + h.requests, 0),
      responses,
      computers: computers.map((c) => c.computer),
      named: named.map((n, i) => ({ ...n, clients: lists[i].map((c) => c.computer) })),
      unanswered,
      reported: [...newest.values()],
    });
  }

  async clientsNaming(from: number, to: number, kmsHosts: readonly (string | null)[], limit: number): Promise<ClientsNaming> {
    const hosts = kmsHosts.filter((h): h is string => h !== null);
    const rows = await this.all(q.clientsNamingQuery, { from, to, hosts: this.db.list(hosts), none: hosts.length < kmsHosts.length ? 1 : 0, limit: Math.max(limit, 1) });
    return { machines: rows[0]?.machines ?? 0, clients: rows.slice(0, limit).map((r) => r.computer) };
  }

  async saveDiscovery(check: DiscoveryCheck): Promise<void> {
    try {
      const row = q.discoveryRow(check);
      await this.db.transaction((tx) => tx.run(q.upsertDiscoverySql, row));
    } catch (err) {
      throw this.writeError(`saving the discovery check of ${String(check.seenFrom)} at ${String(check.checkedAt)}`, err);
    }
  }

  async latestDiscovery(at: number): Promise<DiscoveryCheck | null> {
    return (await this.all(q.latestDiscoveryQuery, { at }))[0] ?? null;
  }


  async markDamaged(marks: readonly DamageMark[]): Promise<void> {
    if (marks.length === 0) return;
    // the keys as writeBatch stores them (nul.ts)
    const rows = marks.map((m) => [hostKey(textWithoutNul(m.host)), textWithoutNul(m.channel), Math.floor(m.time / 1000), m.recordId, textWithoutNul(m.file), m.chunk, m.checks]);
    try {
      await this.db.transaction((tx) => tx.insert('damaged_records', q.DAMAGE_MARK_COLUMNS, rows, 'ON CONFLICT DO NOTHING'));
    } catch (err) {
      throw this.writeError(`marking ${marks.length} events from damaged chunks`, err);
    }
  }

  async damagedEvents(at: number): Promise<DamagedEventRow[]> {
    return this.all(q.damagedEventsQuery, { at });
  }

  async alertStates(): Promise<AlertState[]> {
    return this.all(q.alertStatesQuery);
  }

  async saveAlertStates(states: readonly AlertState[]): Promise<void> {
    if (states.length === 0) return;
    try {
      await this.db.transaction(async (tx) => {
        for (const s of states) await tx.run(q.upsertAlertStateSql, q.alertStateParams(s));
      });
    } catch (err) {
      throw this.writeError(`saving ${states.length} alert states`, err);
    }
  }

  async getMeta(key: string): Promise<string | null> {
    return (await this.all(q.metaQuery, { key }))[0]?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    try {
      await this.db.transaction((tx) => tx.run(q.setMetaSql, { key, value }));
    } catch (err) {
      throw this.writeError(`setting ${key}`, err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }
}

function withoutKey({ hostKey: _key, ...rest }: q.CheckpointWithKey): Checkpoint {
  return rest;
}

/** windowCounts from activity counts (one instant, no mixed run). */
function countsOfSpans(spans: readonly q.ActivityCountRow[]): WindowCountRow[] {
  return spans.map(({ host, application, minimum, clients }) => ({ host, application, minimumCount: minimum, clients }));
}

/** windowActive from activity counts (one instant, no mixed run): a client counts once, under its highest minimum. */
function activeOfSpans(spans: readonly q.ActivityCountRow[]): WindowActiveRow[] {
  const rows = new Map<string, WindowActiveRow>();
  for (const { host, application, minimum, clients } of spans) {
    const row = rows.get(`${host}\u0000${application}`) ?? { host, application, active: 0, maxMinimum: minimum };
    row.active += clients;
    rows.set(`${host}\u0000${application}`, row);
  }
  return [...rows.values()];
}
