import type { WindowCountRow } from '../types.js';
import { hostJoin, secondRange } from './names.js';
import { application, defineQuery, num, str } from './query.js';

/**
 * Distinct CMIDs with result 0x0 in (from, to], per host, application and minimum count: the
 * requests of the window through the dedup index's (host, second) ranges. A 30-day window is
 * answered from activity_spans instead (queries/activity.ts activityCountsQuery) unless a counted
 * client's run mixes minimum counts.
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

export const windowSource = (from: string, to: string, fromSecond: string, toSecond: string) => `requests r JOIN products p ON p.id = r.product_id
      WHERE ${secondRange('r', fromSecond, toSecond)} AND r.result = 0 AND r.time > ${from} AND r.time <= ${to}`;

const mapRow = (r: Record<string, unknown>): WindowCountRow => ({
  host: str(r.host),
  application: application(r.application),
  minimumCount: num(r.minimum_count),
  clients: num(r.clients),
});

export const windowCountsQuery = defineQuery<WindowCountRow>({
  name: 'windowCounts',
  params: ['from', 'to', 'fromSecond', 'toSecond'],
  sqlite: body(windowSource('@from', '@to', '@fromSecond', '@toSecond')),
  postgres: body(windowSource('$1', '$2', '$3', '$4')),
  mapRow,
});
