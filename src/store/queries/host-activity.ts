import type { HostActivityRow } from '../types.js';
import { afterAt } from './names.js';
import { defineQuery, num, numOrNull, str } from './query.js';

/**
 * Every host that logged something on or before `at` (requests, host events or anomalies), with
 * its request count and first/last request time (null when it has none). The exact form groups the
 * requests; the summary form reads request_hosts (see freshness.ts). SQLite's CROSS JOIN keeps the
 * few hosts seen the outer loop (it drove the join from every checkpoint: one per client computer
 * when clients forward their logs).
 */
const body = (at: string, activity: string, hostJoin: string) => `
    WITH activity AS (${activity}
    ), seen AS (
      -- looked up row by row: joined, SQLite scanned every string for the few hosts
      SELECT (SELECT hk.value FROM strings hk WHERE hk.id = a.host_id) AS host_key FROM activity a
      UNION SELECT DISTINCT host_key FROM host_events WHERE time <= ${at}
      UNION SELECT DISTINCT host_key FROM anomalies WHERE time <= ${at}
    )
    SELECT h.host, COALESCE(a.requests, 0) AS requests, a.first_request_at, a.last_request_at
    FROM seen s
    ${hostJoin} host_names h ON h.host_key = s.host_key
    LEFT JOIN strings hk ON hk.value = s.host_key
    LEFT JOIN activity a ON a.host_id = hk.id
    ORDER BY h.host_key`;

const summary = `
      SELECT host_id, requests, first_seen AS first_request_at, last_seen AS last_request_at FROM request_hosts`;

/**
 * Past form: request_hosts minus the requests after `at`; a host's last request up to `at`, when
 * it has later ones, is the newest of the latest second up to `at` that holds one (two index seeks).
 */
const past = (at: string, atSecond: string) => `
      SELECT rh.host_id, rh.requests - COALESCE(t.n, 0) AS requests, rh.first_seen AS first_request_at,
             CASE WHEN rh.last_seen <= ${at} THEN rh.last_seen ELSE (
               SELECT MAX(x.time) FROM requests x
               WHERE x.host_id = rh.host_id AND x.time <= ${at} AND x.second = (
                 SELECT y.second FROM requests y
                 WHERE y.host_id = rh.host_id AND y.second <= ${atSecond} AND y.time <= ${at}
                 ORDER BY y.second DESC LIMIT 1)) END AS last_request_at
      FROM request_hosts rh
      LEFT JOIN (SELECT r.host_id, COUNT(*) AS n FROM requests r WHERE ${afterAt('r', atSecond, at)} GROUP BY r.host_id) t
        ON t.host_id = rh.host_id
      WHERE rh.first_seen <= ${at}`;

const mapRow = (r: Record<string, unknown>): HostActivityRow => ({
  host: str(r.host),
  requests: num(r.requests),
  firstRequestAt: numOrNull(r.first_request_at),
  lastRequestAt: numOrNull(r.last_request_at),
});

export const hostActivitySummaryQuery = defineQuery<HostActivityRow>({
  name: 'hostActivitySummary', params: ['at'], sqlite: body('@at', summary, 'CROSS JOIN'), postgres: body('$1', summary, 'JOIN'), mapRow,
});
export const hostActivityPastQuery = defineQuery<HostActivityRow>({
  name: 'hostActivityPast', params: ['at', 'atSecond'], sqlite: body('@at', past('@at', '@atSecond'), 'CROSS JOIN'), postgres: body('$1', past('$1', '$2'), 'JOIN'), mapRow,
});
