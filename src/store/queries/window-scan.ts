import type { WindowActiveRow, WindowCountRow } from '../types.js';
import type { SummaryLookups } from './latest-clients-summary.js';
import { secondRange } from './names.js';
import { num } from './query.js';

/**
 * SQLite: windowActive and windowCounts in their summary form (window-counts.ts) from one scan of
 * client_summary (PostgreSQL reads window_days instead: postgres/window-days.ts): the rows whose
 * newest success falls in the window, handed over as four comma-separated columns in one result
 * row (one value per summary row, all in the same row order) and counted here. Counting distinct CMIDs per group in SQL builds a temporary index of every
 * active client for each of the two queries; handing 200 k rows over one by one costs more still.
 * The result is the same as the SQL forms', including their order: host key, application, and
 * minimum count descending.
 */
const body = (from: string, to: string, concat: (column: string) => string) => `
    SELECT COUNT(*) AS n, ${concat('s.cmid_id')} AS cmids, ${concat('s.host_id')} AS hosts,
           ${concat('s.product_id')} AS products, ${concat('s.minimum_count')} AS minimums
    FROM client_summary s
    WHERE s.last_ok > ${from} AND s.last_ok <= ${to}`;

/** The exact form's rows (window-counts.ts): the window's successful requests, through the dedup index. */
const requestsBody = (concat: (column: string) => string) => `
    SELECT COUNT(*) AS n, ${concat('r.cmid_id')} AS cmids, ${concat('r.host_id')} AS hosts,
           ${concat('r.product_id')} AS products, ${concat('r.minimum_count')} AS minimums
    FROM requests r
    WHERE ${secondRange('r', '@fromSecond', '@toSecond')} AND r.result = 0 AND r.time > @from AND r.time <= @to`;

const sqliteConcat = (c: string) => `COALESCE(group_concat(${c}), '')`;

export const windowScanSql = {
  sqlite: body('@from', '@to', sqliteConcat),
  /** SQLite, from the requests themselves (any `to`); rows come in index order, not CMID order. */
  sqliteRequests: requestsBody(sqliteConcat),
} as const;

export interface WindowScan {
  active: WindowActiveRow[];
  counts: WindowCountRow[];
}

/** Integers of a comma-separated list (non-negative, as ids and counts are). */
function integers(text: string, n: number): Float64Array {
  const out = new Float64Array(n);
  let k = 0;
  let v = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44) {
      out[k++] = v;
      v = 0;
    } else {
      v = v * 10 + (c - 48);
    }
  }
  if (text.length > 0) out[k++] = v;
  if (k !== n) throw new TypeError(`window scan: expected ${n} values, read ${k}`);
  return out;
}

export function countWindowScan(row: Record<string, unknown>, lookups: SummaryLookups): WindowScan {
  const n = num(row.n);
  const cmids = integers(String(row.cmids), n);
  const hosts = integers(String(row.hosts), n);
  const products = integers(String(row.products), n);
  const minimums = integers(String(row.minimums), n);

  // groups (host, application) and minimum counts as small indexes; rows of unknown hosts or
  // products are left out, as the SQL form's joins leave them out
  const applications: WindowActiveRow['application'][] = [];
  const groups: { hostId: number; application: number }[] = [];
  const groupIndex = new Map<number, number>();
  const minimumValues: number[] = [];
  const minimumIndex = new Map<number, number>();
  const rowGroup = new Int32Array(n);
  const rowMinimum = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const product = lookups.products.get(products[i]);
    if (product === undefined || !lookups.hosts.has(hosts[i])) {
      rowGroup[i] = -1;
      continue;
    }
    let app = applications.indexOf(product.application);
    if (app < 0) app = applications.push(product.application) - 1;
    const key = hosts[i] * 8 + app;
    let g = groupIndex.get(key);
    if (g === undefined) {
      g = groups.push({ hostId: hosts[i], application: app }) - 1;
      groupIndex.set(key, g);
    }
    rowGroup[i] = g;
    let m = minimumIndex.get(minimums[i]);
    if (m === undefined) {
      m = minimumValues.push(minimums[i]) - 1;
      minimumIndex.set(minimums[i], m);
    }
    rowMinimum[i] = m;
  }
  const mins = minimumValues.length;
  const perMinimum = new Float64Array(groups.length * mins);
  const perGroup = new Float64Array(groups.length);
  const maxMinimum = new Float64Array(groups.length);

  // distinct CMIDs: the rows of one CMID are adjacent (client_summary is scanned in primary-key
  // order, CMID first), so each CMID's few rows are compared among themselves; rows in any other
  // order are sorted by CMID first
  const order = cmidOrder(cmids, n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && cmids[order[end]] === cmids[order[start]]) end++;
    for (let j = start; j < end; j++) {
      const i = order[j];
      const g = rowGroup[i];
      if (g < 0) continue;
      if (minimums[i] > maxMinimum[g]) maxMinimum[g] = minimums[i];
      let newGroup = true;
      let newPair = true;
      for (let e = start; e < j; e++) {
        const other = order[e];
        if (rowGroup[other] !== g) continue;
        newGroup = false;
        if (rowMinimum[other] === rowMinimum[i]) newPair = false;
      }
      if (newGroup) perGroup[g]++;
      if (newPair) perMinimum[g * mins + rowMinimum[i]]++;
    }
    start = end;
  }

  const counted: WindowGroupCount[] = groups.map((g, index) => {
    const counts = new Map<number, number>();
    for (let m = 0; m < mins; m++) if (perMinimum[index * mins + m] > 0) counts.set(minimumValues[m], perMinimum[index * mins + m]);
    return { hostId: g.hostId, application: applications[g.application], active: perGroup[index], maxMinimum: maxMinimum[index], counts };
  });
  return windowScanRows(counted, lookups);
}

/** One (host, application) of a window: its distinct CMIDs, in all and per minimum count. */
export interface WindowGroupCount {
  hostId: number;
  application: WindowActiveRow['application'];
  active: number;
  maxMinimum: number;
  /** minimum count → distinct CMIDs (only counts above 0). */
  counts: Map<number, number>;
}

/** The rows of both answers in the SQL forms' order: host key, application, minimum count descending. */
export function windowScanRows(groups: readonly WindowGroupCount[], lookups: SummaryLookups): WindowScan {
  const scan: WindowScan = { active: [], counts: [] };
  const ordered = groups.map((g) => ({ g, host: lookups.hosts.get(g.hostId)! }));
  ordered.sort((a, b) => cmp(a.host.key, b.host.key) || cmp(a.g.application, b.g.application));
  for (const { g, host } of ordered) {
    scan.active.push({ host: host.host, application: g.application, active: g.active, maxMinimum: g.maxMinimum });
    const minimums = [...g.counts.keys()].sort((a, b) => b - a);
    for (const m of minimums) scan.counts.push({ host: host.host, application: g.application, minimumCount: m, clients: g.counts.get(m)! });
  }
  return scan;
}

/** Row indexes with equal CMIDs adjacent: the identity when they already are ascending. */
function cmidOrder(cmids: Float64Array, n: number): Int32Array {
  const order = new Int32Array(n);
  let ascending = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (i > 0 && cmids[i] < cmids[i - 1]) ascending = false;
  }
  if (ascending) return order;
  // one packed number per row (cmid × 2^21 + row) sorts far faster than a comparator
  let max = 0;
  for (let i = 0; i < n; i++) if (cmids[i] > max) max = cmids[i];
  if (n >= ROW_SPAN || (max + 1) * ROW_SPAN > Number.MAX_SAFE_INTEGER) return order.sort((a, b) => cmids[a] - cmids[b]);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = cmids[i] * ROW_SPAN + i;
  keys.sort();
  for (let j = 0; j < n; j++) order[j] = keys[j] % ROW_SPAN;
  return order;
}

const ROW_SPAN = 2 ** 21;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
