import type { WindowActiveRow, WindowCountRow } from '../types.js';
import type { SummaryLookups } from './latest-clients-summary.js';
import { num } from './query.js';

/**
 * windowActive and windowCounts in their summary form (window-counts.ts) from one scan of
 * client_summary: the rows whose newest success falls in the window, handed over as four
 * comma-separated columns in one result row (one value per summary row, all in the same row order)
 * and counted here. Counting distinct CMIDs per group in SQL builds a temporary index of every
 * active client for each of the two queries; handing 200 k rows over one by one costs more still.
 * The result is the same as the SQL forms', including their order: host key, application, and
 * minimum count descending.
 */
const body = (from: string, to: string, concat: (column: string) => string) => `
    SELECT COUNT(*) AS n, ${concat('s.cmid_id')} AS cmids, ${concat('s.host_id')} AS hosts,
           ${concat('s.product_id')} AS products, ${concat('s.minimum_count')} AS minimums
    FROM client_summary s
    WHERE s.last_ok > ${from} AND s.last_ok <= ${to}`;

export const windowScanSql = {
  sqlite: body('@from', '@to', (c) => `COALESCE(group_concat(${c}), '')`),
  postgres: body('$1', '$2', (c) => `COALESCE(string_agg(${c}::text, ','), '')`),
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
  interface Group { host: string; key: string; application: WindowActiveRow['application']; cmids: Set<number>; maxMinimum: number; byMinimum: Map<number, Set<number>> }
  const groups = new Map<string, Group>();
  for (let i = 0; i < n; i++) {
    const host = lookups.hosts.get(hosts[i]);
    const product = lookups.products.get(products[i]);
    if (host === undefined || product === undefined) continue;
    const id = `${hosts[i]}:${product.application}`;
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = { host: host.host, key: host.key, application: product.application, cmids: new Set(), maxMinimum: 0, byMinimum: new Map() }));
    g.cmids.add(cmids[i]);
    if (minimums[i] > g.maxMinimum) g.maxMinimum = minimums[i];
    let m = g.byMinimum.get(minimums[i]);
    if (m === undefined) g.byMinimum.set(minimums[i], (m = new Set()));
    m.add(cmids[i]);
  }
  const ordered = [...groups.values()].sort((a, b) => cmp(a.key, b.key) || cmp(a.application, b.application));
  const scan: WindowScan = { active: [], counts: [] };
  for (const g of ordered) {
    scan.active.push({ host: g.host, application: g.application, active: g.cmids.size, maxMinimum: g.maxMinimum });
    for (const [minimumCount, set] of [...g.byMinimum].sort((a, b) => b[0] - a[0])) {
      scan.counts.push({ host: g.host, application: g.application, minimumCount, clients: set.size });
    }
  }
  return scan;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
