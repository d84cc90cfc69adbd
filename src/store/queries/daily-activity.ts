import type { DailyActivityRow } from '../types.js';
import { hostJoin } from './names.js';
import { application, defineQuery, num, str } from './query.js';

/**
 * Per host, application and UTC day in (from, to]: distinct CMIDs with result 0x0 that day and
 * all requests that day. `host` null = every host (compared lower-case). Reads the range through
 * the dedup index's (host, second) order.
 */
const body = (from: string, to: string, fromSecond: string, toSecond: string, host: string) => `
    SELECT h.host, d.application, d.day, d.clients, d.requests
    FROM (
      SELECT r.host_id, p.application, (r.time / 86400000) * 86400000 AS day,
             COUNT(DISTINCT CASE WHEN r.result = 0 THEN r.cmid_id END) AS clients, COUNT(*) AS requests
      FROM requests r JOIN products p ON p.id = r.product_id
      WHERE r.host_id IN (SELECT rh.host_id FROM request_hosts rh JOIN strings s ON s.id = rh.host_id
                          WHERE ${host} IS NULL OR s.value = ${host})
        AND r.second >= ${fromSecond} AND r.second <= ${toSecond} AND r.time > ${from} AND r.time <= ${to}
      GROUP BY r.host_id, p.application, (r.time / 86400000) * 86400000
    ) d
    ${hostJoin('d.host_id')}
    ORDER BY h.host_key, d.application, d.day`;

export const dailyActivityQuery = defineQuery<DailyActivityRow>({
  name: 'dailyActivity',
  params: ['from', 'to', 'fromSecond', 'toSecond', 'host'],
  sqlite: body('@from', '@to', '@fromSecond', '@toSecond', '@host'),
  postgres: body('$1', '$2', '$3', '$4', '$5::text'),
  mapRow: (r) => ({
    host: str(r.host),
    application: application(r.application),
    day: num(r.day),
    clients: num(r.clients),
    requests: num(r.requests),
  }),
});
