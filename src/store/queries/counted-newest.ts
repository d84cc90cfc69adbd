import type { CountedNewestRow } from '../types.js';
import { ACTIVE_MS } from '../rules/activity.js';
import { hostJoin, secondRange } from './names.js';
import { application, defineQuery, num, str } from './query.js';

/**
 * Store.countedNewest: per host, application and minimum count, the `limit` newest last successes
 * of the CMIDs that host counts in the window (from, to] — what a count's margin and forecast need
 * (analysis/health.ts, alerts/forecast.ts) without reading every client. A CMID is counted by every
 * host it succeeded with, at the highest minimum count it asked that host for.
 * One ranking, two sources of the same rows (host, application, cmid, minimum, last success):
 * - the spans covering `to` (about one row per client): a span's stop is its last success + 30 days,
 *   so when no request is newer than `to` (the summary covers it) and the window is 30 days, the
 *   spans covering `to` are exactly the counted CMIDs with their last success; their minimum is the
 *   highest of the whole run of successes (activity_spans' `minimum`);
 * - otherwise the window's successes, grouped per CMID, the highest minimum of the window.
 * The two minimums differ only for a run that asked for a higher minimum before the window began;
 * the minimum decides only where an unknown product counts (analysis/unknown-products.ts).
 */
const ranked = (source: string, limit: string) => `
    SELECT h.host, t.application, t.minimum, t.last_ok
    FROM (
      SELECT host_id, application, minimum, last_ok,
             ROW_NUMBER() OVER (PARTITION BY host_id, application, minimum ORDER BY last_ok DESC) AS n
      FROM (${source}) c
    ) t
    ${hostJoin('t.host_id')}
    WHERE t.n <= ${limit}
    ORDER BY h.host_key, t.application, t.minimum DESC, t.last_ok DESC`;

// Through activity_spans_stop (migration 1500): per group the `limit`-th newest stop first (one short
// index walk each), then the spans at or above it; ranking every span sorted 200 k rows.
const fromSpans = (to: string, limit: string) => `
      WITH cut AS MATERIALIZED (
        SELECT g.host_id, g.application, g.minimum,
               COALESCE((SELECT t.stop FROM activity_spans t
                         WHERE t.host_id = g.host_id AND t.application = g.application AND t.minimum = g.minimum
                           AND t.stop > ${to} AND t.start <= ${to}
                         ORDER BY t.stop DESC LIMIT 1 OFFSET ${limit} - 1), 0) AS cutoff
        FROM (SELECT DISTINCT host_id, application, minimum FROM activity_spans) g
      )
      SELECT s.host_id, s.application, s.minimum, s.stop - ${ACTIVE_MS} AS last_ok
      FROM cut JOIN activity_spans s
        ON s.host_id = cut.host_id AND s.application = cut.application AND s.minimum = cut.minimum
       AND s.stop >= cut.cutoff AND s.stop > ${to} AND s.start <= ${to}`;

const fromRequests = (p: { from: string; to: string; fromSecond: string; toSecond: string }) => `
      SELECT r.host_id, p.application, MAX(r.minimum_count) AS minimum, MAX(r.time) AS last_ok
      FROM requests r JOIN products p ON p.id = r.product_id
      WHERE ${secondRange('r', p.fromSecond, p.toSecond)} AND r.result = 0 AND r.time > ${p.from} AND r.time <= ${p.to}
      GROUP BY r.host_id, p.application, r.cmid_id`;

const mapRow = (r: Record<string, unknown>): CountedNewestRow => ({
  host: str(r.host),
  application: application(r.application),
  minimumCount: num(r.minimum),
  lastSeen: num(r.last_ok),
});

export const countedNewestSpansQuery = defineQuery<CountedNewestRow>({
  name: 'countedNewestSpans',
  params: ['to', 'limit'],
  sqlite: ranked(fromSpans('@to', '@limit'), '@limit'),
  postgres: ranked(fromSpans('$1::bigint', '$2::int'), '$2::int'),
  mapRow,
});

export const countedNewestRequestsQuery = defineQuery<CountedNewestRow>({
  name: 'countedNewestRequests',
  params: ['from', 'to', 'fromSecond', 'toSecond', 'limit'],
  sqlite: ranked(fromRequests({ from: '@from', to: '@to', fromSecond: '@fromSecond', toSecond: '@toSecond' }), '@limit'),
  postgres: ranked(fromRequests({ from: '$1', to: '$2', fromSecond: '$3', toSecond: '$4' }), '$5'),
  mapRow,
});
