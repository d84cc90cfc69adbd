import type { ClientFilter, ClientRow } from '../types.js';
import { latestFromSummary, type SummaryLookups } from './latest-clients-summary.js';
import { cmidRows, latestOrder, secondRange } from './names.js';
import { application, bool, defineQuery, num, str } from './query.js';

/**
 * docs/definitions.md "client": the latest request per (cmid, application) with time <= at
 * (later time, then higher record id, then the later stored), with first seen and request count;
 * the filter applies to that latest request.
 *
 * For `at` at or after the newest request (freshness.ts) client_summary is folded in JS
 * (latest-clients-summary.ts); for an earlier `at`, the past form below.
 */
/** The parameters of latestClients; absent filters are null. Text filters compare lower-case. */
export interface LatestClientsParams {
  [name: string]: unknown;
  at: number;
  host: string | null;
  application: string | null;
  state: number | null;
  vm: boolean | null;
  search: string | null;
  activationId: string | null;
}

export function latestClientsParams(at: number, filter: ClientFilter = {}): LatestClientsParams {
  return {
    at,
    host: filter.host === undefined ? null : filter.host.toLowerCase(),
    application: filter.application ?? null,
    state: filter.state ?? null,
    vm: filter.vm ?? null,
    search: filter.search === undefined || filter.search === '' ? null : filter.search.toLowerCase(),
    activationId: filter.activationId === undefined ? null : filter.activationId.toLowerCase(),
  };
}

/*
 * Past form: latestClients for an `at` before the newest request, without ranking every request.
 *
 * client_summary folds in every request; only its groups with a request after `at` ("stale") are
 * wrong for `at`. Per group, requests up to `at` = summary count − count after `at` (a range scan
 * of the few newest requests); first seen stays (a group with a request up to `at` has its earliest
 * one there). A client with a stale group needs its latest request up to `at` read again: scanning
 * time windows backwards from `at` (a client renews weekly, so the first window finds most), and
 * for the last few, their own requests through requests_cmid_bucket (names.ts cmidRows). Both
 * dialects use this form. The result is the summary rows as of `at`, folded by latestFromSummary
 * like the "now" form.
 */

/** client_summary rows in SUMMARY_ROW_COLUMNS order, then machine_key_id (the group key's last part). */
const pastSummarySql = `
    SELECT s.cmid_id, c.value AS cmid, s.product_id, s.host_id, m.value AS machine, s.last_seen, s.last_rec, s.last_id,
           s.license_state, s.minutes_left, s.is_vm, s.result, s.minimum_count, s.first_seen, s.requests, s.machine_key_id
    FROM client_summary s
    JOIN strings c ON c.id = s.cmid_id
    JOIN strings m ON m.id = s.machine_id`;

/** Requests after `at` per summary group: cmid, product, host, machine key, minimum, count. */
const afterCountsSql = (p: { fromSecond: string; toSecond: string; at: string }) => `
    SELECT r.cmid_id, r.product_id, r.host_id, r.machine_key_id, r.minimum_count, COUNT(*) AS n
    FROM requests r
    WHERE ${secondRange('r', p.fromSecond, p.toSecond)} AND r.time > ${p.at}
    GROUP BY r.cmid_id, r.product_id, r.host_id, r.machine_key_id, r.minimum_count`;

/** One request as a SUMMARY_ROW_COLUMNS row (cmid text left null: the caller knows it). */
const REQUEST_ROW = `r.cmid_id, NULL AS cmid, r.product_id, r.host_id, m.value AS machine, r.time,
           CASE WHEN r.rec >= 0 THEN r.rec ELSE -1 END AS rec, r.id,
           r.license_state, r.minutes_left, r.is_vm, r.result, r.minimum_count`;

/** Requests in (lo, hi] through the per-host time index. */
const windowSql = (p: { fromSecond: string; toSecond: string; lo: string; hi: string }) => `
    SELECT ${REQUEST_ROW}
    FROM requests r JOIN strings m ON m.id = r.machine_id
    WHERE ${secondRange('r', p.fromSecond, p.toSecond)} AND r.time > ${p.lo} AND r.time <= ${p.hi}`;

/** Every request up to `at` of the given CMIDs (`rows`: the filter that finds their requests). */
const byCmidsSql = (rows: string, at: string) => `
    SELECT ${REQUEST_ROW}
    FROM requests r JOIN strings m ON m.id = r.machine_id
    WHERE ${rows} AND r.time <= ${at}`;

export const pastClientsSql = {
  summary: pastSummarySql,
  sqlite: {
    afterCounts: afterCountsSql({ fromSecond: '@fromSecond', toSecond: '@toSecond', at: '@at' }),
    window: windowSql({ fromSecond: '@fromSecond', toSecond: '@toSecond', lo: '@lo', hi: '@hi' }),
    byCmids: byCmidsSql(cmidRows.sqlite('r', 'IN (SELECT value FROM json_each(@ids))'), '@at'),
  },
  postgres: {
    afterCounts: afterCountsSql({ fromSecond: '$1', toSecond: '$2', at: '$3' }),
    window: windowSql({ fromSecond: '$1', toSecond: '$2', lo: '$3', hi: '$4' }),
    byCmids: byCmidsSql(cmidRows.postgres('r', '= ANY ($1::bigint[])'), '$2'),
  },
} as const;

/** What the past form needs from a backend; rows as arrays in the SQL's column order. */
export interface PastClientsSource {
  lookups(): Promise<SummaryLookups>;
  summaryRows(): Promise<unknown[][]>;
  afterCounts(fromSecond: number, toSecond: number, at: number): Promise<unknown[][]>;
  window(fromSecond: number, toSecond: number, lo: number, hi: number): Promise<unknown[][]>;
  byCmids(cmidIds: number[], at: number): Promise<unknown[][]>;
}

const FIRST_WINDOW_MS = 8 * 86_400_000;
const MAX_SECOND = Number.MAX_SAFE_INTEGER;

/** latestClients(at) for an `at` before the newest request (see above). */
export async function latestClientsPast(source: PastClientsSource, params: LatestClientsParams): Promise<ClientRow[]> {
  const at = params.at;
  const [lookups, summary, after] = await Promise.all([
    source.lookups(),
    source.summaryRows(),
    source.afterCounts(Math.floor(at / 1000), MAX_SECOND, at),
  ]);
  const key = (r: unknown[], machineKeyAt: number) => `${num(r[0])}:${num(r[2])}:${num(r[3])}:${num(r[machineKeyAt])}:${num(r[12])}`;
  const afterCount = new Map<string, number>();
  for (const r of after) afterCount.set(`${num(r[0])}:${num(r[1])}:${num(r[2])}:${num(r[3])}:${num(r[4])}`, num(r[5]));

  const appOf = (productId: unknown) => lookups.products.get(num(productId))?.application;
  const rows: unknown[][] = [];
  /** client "cmidId:application" → its stale state: the best request found so far (null: none yet). */
  const pending = new Map<string, unknown[] | null>();
  const cmidText = new Map<number, unknown>();
  let requestsTotal = 0;
  for (const s of summary) {
    const row = s.slice(0, 15);
    const n = afterCount.get(key(s, 15)) ?? 0;
    requestsTotal += num(row[14]);
    if (n === 0) {
      rows.push(row);
      continue;
    }
    const remaining = num(row[14]) - n;
    if (remaining <= 0) continue;
    // keeps its first seen and count; never wins as the latest (the re-read request does)
    row[5] = -Infinity;
    row[14] = remaining;
    rows.push(row);
    pending.set(`${num(row[0])}:${appOf(row[2])}`, null);
    cmidText.set(num(row[0]), row[1]);
  }

  const consider = (r: unknown[]) => {
    const client = `${num(r[0])}:${appOf(r[2])}`;
    if (!pending.has(client)) return;
    const best = pending.get(client);
    if (best === null || best === undefined || isLaterRequest(r, best)) pending.set(client, r);
  };
  const resolve = () => {
    for (const [client, best] of pending) {
      if (best === null || best === undefined) continue;
      rows.push([best[0], cmidText.get(num(best[0])), ...best.slice(2), Infinity, 0]);
      pending.delete(client);
    }
  };

  // windows (lo, hi] backwards from `at`, each twice as long, while scanning one is cheaper than
  // reading the remaining clients' own requests (estimated from the rows per ms seen so far)
  const perClient = summary.length === 0 ? 0 : requestsTotal / summary.length;
  let hi = at;
  let span = FIRST_WINDOW_MS;
  let scannedRows = 0;
  let scannedMs = 0;
  // every request up to `at` is at or after the earliest first seen: no window below it
  const earliest = minFirstSeen(rows);
  while (pending.size > 0) {
    const rate = scannedMs === 0 ? 0 : scannedRows / scannedMs;
    if (scannedMs > 0 && rate * span > pending.size * perClient) break;
    const lo = hi - span;
    const found = await source.window(Math.floor(lo / 1000), Math.floor(hi / 1000), lo, hi);
    for (const r of found) consider(r);
    resolve();
    scannedRows += found.length;
    scannedMs += span;
    hi = lo;
    span *= 2;
    if (hi < earliest) break;
  }
  if (pending.size > 0) {
    const ids = [...new Set([...pending.keys()].map((k) => Number(k.slice(0, k.indexOf(':')))))];
    for (const r of await source.byCmids(ids, at)) consider(r);
    resolve();
  }
  rows.sort((a, b) => num(a[0]) - num(b[0]));
  return latestFromSummary(rows, lookups, params);
}

function minFirstSeen(rows: readonly unknown[][]): number {
  let min = Infinity;
  for (const r of rows) min = Math.min(min, num(r[13]));
  return min;
}

/** latestOrder: later time, then higher record id (-1 when none), then higher id. */
function isLaterRequest(a: unknown[], b: unknown[]): boolean {
  const ta = num(a[5]);
  const tb = num(b[5]);
  if (ta !== tb) return ta > tb;
  const ra = num(a[6]);
  const rb = num(b[6]);
  if (ra !== rb) return ra > rb;
  return num(a[7]) > num(b[7]);
}
