import type { ProductRow, ProductSeenRow } from '../types.js';
import { afterAt, secondRange } from './names.js';
import { application, defineQuery, num, numOrNull, str } from './query.js';

/**
 * Requests and distinct clients per Activation ID with time <= at (name and application follow the
 * id). Summary form over client_summary (see freshness.ts); a past form below.
 */
// Grouped by product_id before the join (activation_id is unique in products: a product id is one
// Activation ID): grouping the joined rows by activation_id sorted every row with its text key
// (0.25 against 0.05 s at 200 k clients on SQLite).
const summaryBody = `
    SELECT p.activation_id, p.name AS product_name, p.application, c.clients, c.requests, c.last_seen
    FROM (
      SELECT product_id, COUNT(DISTINCT cmid_id) AS clients, SUM(requests) AS requests, MAX(last_seen) AS last_seen
      FROM client_summary GROUP BY product_id
    ) c JOIN products p ON p.id = c.product_id
    ORDER BY c.requests DESC, p.activation_id`;

const mapRow = (r: Record<string, unknown>): ProductRow => ({
  activationId: str(r.activation_id),
  productName: str(r.product_name),
  application: application(r.application),
  clients: num(r.clients),
  requests: num(r.requests),
  lastSeen: num(r.last_seen),
});

export const productsSummaryQuery = defineQuery<ProductRow>({
  name: 'productsSummary',
  params: [],
  sqlite: summaryBody,
  postgres: summaryBody,
  mapRow,
});

/**
 * Store.productsSeen, valid at any instant: a product has a request up to `at` exactly when one of
 * its client_summary rows has its first request there. Without the counts no grouping per product
 * sorts every client (16 against 85 ms at 200 k clients on SQLite).
 */
const seenBody = (at: string) => `
    SELECT p.activation_id, p.name AS product_name, p.application
    FROM products p
    WHERE p.id IN (SELECT product_id FROM client_summary WHERE first_seen <= ${at})
    ORDER BY p.name, p.activation_id`;

export const productsSeenQuery = defineQuery<ProductSeenRow>({
  name: 'productsSeen',
  params: ['at'],
  sqlite: seenBody('@at'),
  postgres: seenBody('$1'),
  mapRow: (r) => ({ activationId: str(r.activation_id), productName: str(r.product_name), application: application(r.application) }),
});

/*
 * Past form (the summaries cover more than `at`, see freshness.ts), from client_summary:
 *   clients  CMIDs with a summary row whose first request is up to `at`;
 *   requests all of the product's − those after `at` (the tail, through the dedup index);
 *   last seen the newest last request up to `at` of its rows, unless a row has requests after `at`
 *            ("stale"): its newest up to `at` may be later, so time windows backwards from `at` are
 *            read until each such product's newest request up to `at` is found.
 */
const pastSummarySql = (at: string) => `
    SELECT p.activation_id, MAX(CASE WHEN s.first_seen <= ${at} THEN p.name END) AS product_name,
           MAX(CASE WHEN s.first_seen <= ${at} THEN p.application END) AS application,
           COUNT(DISTINCT CASE WHEN s.first_seen <= ${at} THEN s.cmid_id END) AS clients, SUM(s.requests) AS requests,
           MAX(CASE WHEN s.last_seen <= ${at} THEN s.last_seen END) AS last_before,
           MAX(CASE WHEN s.first_seen <= ${at} AND s.last_seen > ${at} THEN 1 ELSE 0 END) AS stale,
           MIN(s.first_seen) AS first_seen
    FROM client_summary s JOIN products p ON p.id = s.product_id
    GROUP BY p.activation_id`;

const tailSql = (at: string, atSecond: string) => `
    SELECT p.activation_id, COUNT(*) AS n
    FROM requests r JOIN products p ON p.id = r.product_id
    WHERE ${afterAt('r', atSecond, at)}
    GROUP BY p.activation_id`;

const windowSql = (lo: string, hi: string, loSecond: string, hiSecond: string) => `
    SELECT p.activation_id, MAX(r.time) AS newest
    FROM requests r JOIN products p ON p.id = r.product_id
    WHERE ${secondRange('r', loSecond, hiSecond)} AND r.time > ${lo} AND r.time <= ${hi}
    GROUP BY p.activation_id`;

export const productsPastSql = {
  sqlite: { summary: pastSummarySql('@at'), tail: tailSql('@at', '@atSecond'), window: windowSql('@lo', '@hi', '@loSecond', '@hiSecond') },
  postgres: { summary: pastSummarySql('$1'), tail: tailSql('$1', '$2'), window: windowSql('$1', '$2', '$3', '$4') },
} as const;

/** What productsPast needs from a backend (rows as objects keyed by the SQL's column names). */
export interface PastProductsSource {
  summary(at: number): Promise<Record<string, unknown>[]>;
  tail(at: number, atSecond: number): Promise<Record<string, unknown>[]>;
  window(lo: number, hi: number): Promise<Record<string, unknown>[]>;
}

const FIRST_WINDOW_MS = 8 * 86_400_000;

export async function productsPast(source: PastProductsSource, at: number): Promise<ProductRow[]> {
  const [summary, tail] = await Promise.all([source.summary(at), source.tail(at, Math.floor(at / 1000))]);
  const after = new Map(tail.map((r) => [str(r.activation_id), num(r.n)]));
  const out: (ProductRow & { stale: boolean; firstSeen: number })[] = [];
  for (const r of summary) {
    if (num(r.clients) === 0) continue;
    const id = str(r.activation_id);
    out.push({
      activationId: id,
      productName: str(r.product_name),
      application: application(r.application),
      clients: num(r.clients),
      requests: num(r.requests) - (after.get(id) ?? 0),
      lastSeen: numOrNull(r.last_before) ?? Number.NEGATIVE_INFINITY,
      stale: num(r.stale) === 1,
      firstSeen: num(r.first_seen),
    });
  }
  let open = out.filter((p) => p.stale);
  let hi = at;
  let span = FIRST_WINDOW_MS;
  while (open.length > 0) {
    const lo = hi - span;
    const newest = new Map((await source.window(lo, hi)).map((r) => [str(r.activation_id), num(r.newest)]));
    open = open.filter((p) => {
      const found = newest.get(p.activationId);
      // windows go backwards: the first one holding a request of the product holds its newest
      if (found !== undefined) p.lastSeen = Math.max(p.lastSeen, found);
      // done when found, or when nothing up to `at` below `lo` can be newer than what it has
      return found === undefined && p.lastSeen < lo && p.firstSeen <= lo;
    });
    hi = lo;
    span *= 2;
  }
  return out
    .map(({ stale: _s, firstSeen: _f, ...row }) => row)
    .sort((a, b) => b.requests - a.requests || (a.activationId < b.activationId ? -1 : a.activationId > b.activationId ? 1 : 0));
}
