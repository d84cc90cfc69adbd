import type { WindowCountRow } from '../types.js';
import { application, defineQuery, num, str } from './query.js';

/** Distinct CMIDs with result 0x0 in (from, to], per host, application and minimum count. */
const body = (from: string, to: string) => `
    SELECT h.host, w.application, w.minimum_count, w.clients
    FROM (
      SELECT host_key, application, minimum_count, COUNT(DISTINCT cmid) AS clients
      FROM requests
      WHERE result = 0 AND time > ${from} AND time <= ${to}
      GROUP BY host_key, application, minimum_count
    ) w
    JOIN host_names h ON h.host_key = w.host_key
    ORDER BY h.host_key, w.application, w.minimum_count DESC`;

export const windowCountsQuery = defineQuery<WindowCountRow>({
  name: 'windowCounts',
  params: ['from', 'to'],
  sqlite: body('@from', '@to'),
  postgres: body('$1', '$2'),
  mapRow: (r) => ({
    host: str(r.host),
    application: application(r.application),
    minimumCount: num(r.minimum_count),
    clients: num(r.clients),
  }),
});
