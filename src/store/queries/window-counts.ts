import type { WindowCountRow } from '../types.js';
import { hostJoin, secondRange } from './names.js';
import { application, defineQuery, num, str } from './query.js';

/**
 * Distinct CMIDs with result 0x0 in (from, to], per host, application and minimum count.
 * Exact form: the requests of the window through the dedup index's (host, second) ranges. Summary
 * form (to at or after the newest request, see freshness.ts): client_summary rows whose newest
 * success falls in the window; a CMID with a success in the window has its newest one there.
 */
const body = (source: string) => `
    SELECT h.host, w.application, w.minimum_count, w.clients
    FROM (
      SELECT r.host_id, p.application, r.minimum_count, COUNT(DISTINCT r.cmid_id) AS clients
      FROM ${source}
      GROUP BY r.host_id, p.application, r.minimum_count
    ) w
    ${hostJoin('w.host_id')}
    ORDER BY h.host_key, w.application, w.minimum_count DESC`;

export const windowSource = {
  exact: (from: string, to: string, fromSecond: string, toSecond: string) => `requests r JOIN products p ON p.id = r.product_id
      WHERE ${secondRange('r', fromSecond, toSecond)} AND r.result = 0 AND r.time > ${from} AND r.time <= ${to}`,
  summary: (from: string, to: string) => `client_summary r JOIN products p ON p.id = r.product_id
      WHERE r.last_ok > ${from} AND r.last_ok <= ${to}`,
};

const mapRow = (r: Record<string, unknown>): WindowCountRow => ({
  host: str(r.host),
  application: application(r.application),
  minimumCount: num(r.minimum_count),
  clients: num(r.clients),
});

export const windowCountsQuery = defineQuery<WindowCountRow>({
  name: 'windowCounts',
  params: ['from', 'to', 'fromSecond', 'toSecond'],
  sqlite: body(windowSource.exact('@from', '@to', '@fromSecond', '@toSecond')),
  postgres: body(windowSource.exact('$1', '$2', '$3', '$4')),
  mapRow,
});

export const windowCountsSummaryQuery = defineQuery<WindowCountRow>({
  name: 'windowCountsSummary',
  params: ['from', 'to'],
  sqlite: body(windowSource.summary('@from', '@to')),
  postgres: body(windowSource.summary('$1', '$2')),
  mapRow,
});
