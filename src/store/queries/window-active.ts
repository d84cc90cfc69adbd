import type { WindowActiveRow } from '../types.js';
import { hostJoin } from './names.js';
import { application, defineQuery, num, str } from './query.js';
import { windowSource } from './window-counts.js';

/** docs/definitions.md "active": distinct CMIDs with result 0x0 in (from, to], per host and application (sources: window-counts.ts). */
const body = (source: string) => `
    SELECT h.host, w.application, w.active, w.max_minimum
    FROM (
      SELECT r.host_id, p.application, COUNT(DISTINCT r.cmid_id) AS active, MAX(r.minimum_count) AS max_minimum
      FROM ${source}
      GROUP BY r.host_id, p.application
    ) w
    ${hostJoin('w.host_id')}
    ORDER BY h.host_key, w.application`;

const mapRow = (r: Record<string, unknown>): WindowActiveRow => ({
  host: str(r.host),
  application: application(r.application),
  active: num(r.active),
  maxMinimum: num(r.max_minimum),
});

export const windowActiveQuery = defineQuery<WindowActiveRow>({
  name: 'windowActive',
  params: ['from', 'to', 'fromSecond', 'toSecond'],
  sqlite: body(windowSource('@from', '@to', '@fromSecond', '@toSecond')),
  postgres: body(windowSource('$1', '$2', '$3', '$4')),
  mapRow,
});
