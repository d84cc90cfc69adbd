import type { HostActivityRow } from '../types.js';
import { defineQuery, num, numOrNull, str } from './query.js';

/**
 * Every host that logged something on or before `at` (requests, host events or anomalies), with
 * its request count and first/last request time (null when it has none).
 */
const body = (at: string) => `
    WITH seen AS (
      SELECT DISTINCT host_key FROM requests WHERE time <= ${at}
      UNION SELECT DISTINCT host_key FROM host_events WHERE time <= ${at}
      UNION SELECT DISTINCT host_key FROM anomalies WHERE time <= ${at}
    ), activity AS (
      SELECT host_key, COUNT(*) AS requests, MIN(time) AS first_request_at, MAX(time) AS last_request_at
      FROM requests WHERE time <= ${at} GROUP BY host_key
    )
    SELECT h.host, COALESCE(a.requests, 0) AS requests, a.first_request_at, a.last_request_at
    FROM seen s
    JOIN host_names h ON h.host_key = s.host_key
    LEFT JOIN activity a ON a.host_key = s.host_key
    ORDER BY h.host_key`;

export const hostActivityQuery = defineQuery<HostActivityRow>({
  name: 'hostActivity',
  params: ['at'],
  sqlite: body('@at'),
  postgres: body('$1'),
  mapRow: (r) => ({
    host: str(r.host),
    requests: num(r.requests),
    firstRequestAt: numOrNull(r.first_request_at),
    lastRequestAt: numOrNull(r.last_request_at),
  }),
});
