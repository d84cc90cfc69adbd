import type { HostEventCountRow } from '../types.js';
import { defineQuery, num, str, strOrNull } from './query.js';

/**
 * Host (Application-log) events with time <= at, per host and type, with the result and domain of
 * the latest one. SQLite: bare columns of the single max() aggregate come from the latest row.
 */
export const hostEventCountsQuery = defineQuery<HostEventCountRow>({
  name: 'hostEventCounts',
  params: ['at'],
  sqlite: `
    WITH e AS MATERIALIZED (
      SELECT host_key, type, COUNT(*) AS count, MAX(time) AS last_at,
             result_hex AS last_result_hex, domain AS last_domain
      FROM host_events WHERE time <= @at
      GROUP BY host_key, type
    )
    SELECT h.host, e.type, e.count, e.last_at, e.last_result_hex, e.last_domain
    FROM e JOIN host_names h ON h.host_key = e.host_key
    ORDER BY h.host_key, e.type`,
  postgres: `
    WITH e AS (
      SELECT host_key, type, COUNT(*) AS count, MAX(time) AS last_at,
             (array_agg(result_hex ORDER BY time DESC, id DESC))[1] AS last_result_hex,
             (array_agg(domain ORDER BY time DESC, id DESC))[1] AS last_domain
      FROM host_events WHERE time <= $1
      GROUP BY host_key, type
    )
    SELECT h.host, e.type, e.count, e.last_at, e.last_result_hex, e.last_domain
    FROM e JOIN host_names h ON h.host_key = e.host_key
    ORDER BY h.host_key, e.type`,
  mapRow: (r) => ({
    host: str(r.host),
    type: str(r.type),
    count: num(r.count),
    lastAt: num(r.last_at),
    lastResultHex: strOrNull(r.last_result_hex),
    lastDomain: strOrNull(r.last_domain),
  }),
});
