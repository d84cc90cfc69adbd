import type { DailyActivityRow } from '../types.js';
import { application, defineQuery, num, str } from './query.js';

/**
 * Per host, application and UTC day in (from, to]: distinct CMIDs with result 0x0 that day and
 * all requests that day. `host` null = every host (compared lower-case).
 */
const body = (from: string, to: string, host: string) => `
    SELECT h.host, d.application, d.day, d.clients, d.requests
    FROM (
      SELECT host_key, application, (time / 86400000) * 86400000 AS day,
             COUNT(DISTINCT CASE WHEN result = 0 THEN cmid END) AS clients, COUNT(*) AS requests
      FROM requests
      WHERE time > ${from} AND time <= ${to} AND (${host} IS NULL OR host_key = ${host})
      GROUP BY host_key, application, (time / 86400000) * 86400000
    ) d
    JOIN host_names h ON h.host_key = d.host_key
    ORDER BY h.host_key, d.application, d.day`;

export const dailyActivityQuery = defineQuery<DailyActivityRow>({
  name: 'dailyActivity',
  params: ['from', 'to', 'host'],
  sqlite: body('@from', '@to', '@host'),
  postgres: body('$1', '$2', '$3::text'),
  mapRow: (r) => ({
    host: str(r.host),
    application: application(r.application),
    day: num(r.day),
    clients: num(r.clients),
    requests: num(r.requests),
  }),
});
