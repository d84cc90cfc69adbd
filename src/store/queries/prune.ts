import type { PruneResult } from '../types.js';
import { defineQuery, num } from './query.js';
import { CLIENT_SUMMARY_COLUMNS, CLIENT_SUMMARY_CONFLICT, SUMMARY_KEY, summaryCatchUp } from './summary.js';

/**
 * Store.prune(before) (docs/definitions.md "prune"): every event with time < before goes. The store
 * runs, in ONE transaction, `count` (the PruneResult; a dry run stops there), then `delete`, then
 * `summaries`, each statement in the order listed. Every statement binds one parameter, `before`
 * (epoch ms): `@before` on SQLite, `$1` on PostgreSQL.
 *
 * The summaries must be current when it starts: `clientsRemoved` is read from client_summary, and
 * the rebuild below corrects its rows in place.
 */

type Dialect = 'sqlite' | 'postgres';

/** `before`, and the last second a deleted event can have: floor(before / 1000) (SQLite binds a JS number as REAL). */
const P = {
  sqlite: { before: '@before', second: 'CAST(@before AS INTEGER) / 1000' },
  postgres: { before: '$1::bigint', second: '$1::bigint / 1000' },
} as const;

/** requests_cmid_bucket (migration 1200) is on ((id >> 18), cmid_id). */
const CMID_BUCKET_BITS = 18;

/**
 * The requests before `before`, through the dedup index (host_id, second, …): every host, the
 * seconds up to before's (as queries/names.ts secondRange), then the exact time.
 */
const requestsBefore = (d: Dialect, t: string) =>
  `${t}.host_id IN (SELECT host_id FROM request_hosts) AND ${t}.second <= ${P[d].second} AND ${t}.time < ${P[d].before}`;

/** The text dedup key of the event a mark names, on host_events, client_events, anomalies (queries/damaged.ts). */
const markKey = { sqlite: `d.rec || '@' || d.second`, postgres: `d.rec::text || '@' || d.second::text` } as const;

const eventBefore = (d: Dialect, table: string) => `
        SELECT 1 FROM ${table} e
        WHERE e.host_key = d.host_key AND e.channel = d.channel AND e.dedup_key = ${markKey[d]} AND e.time < ${P[d].before}`;

/**
 * The damage marks (alias d) of the events that go: a mark names its event by dedup identity, so
 * it must be read while they are still there (count, and the first delete). A mark that names no
 * stored event stays, as it would for any event not stored yet.
 */
const markGone = (d: Dialect) => `d.second <= ${P[d].second} AND EXISTS (
        SELECT 1 FROM strings hk
        JOIN strings ch ON ch.value = d.channel
        JOIN requests r ON r.host_id = hk.id AND r.second = d.second AND r.channel_id = ch.id AND r.rec = d.rec
        WHERE hk.value = d.host_key AND r.time < ${P[d].before}
        UNION ALL ${eventBefore(d, 'host_events')}
        UNION ALL ${eventBefore(d, 'client_events')}
        UNION ALL ${eventBefore(d, 'anomalies')})`;

const countSql = (d: Dialect) => `
    SELECT
      (SELECT COUNT(*) FROM requests r WHERE ${requestsBefore(d, 'r')}) AS requests,
      (SELECT COUNT(*) FROM host_events WHERE time < ${P[d].before}) AS host_events,
      (SELECT COUNT(*) FROM client_events WHERE time < ${P[d].before}) AS client_events,
      (SELECT COUNT(*) FROM anomalies WHERE time < ${P[d].before}) AS anomalies,
      (SELECT COUNT(*) FROM damaged_records d WHERE ${markGone(d)}) AS damage_marks,
      (SELECT COUNT(*) FROM log_spans WHERE last_time < ${P[d].before}) AS log_spans,
      (SELECT COUNT(*) FROM (
         SELECT cmid_id FROM client_summary GROUP BY cmid_id HAVING MAX(last_seen) < ${P[d].before}) c) AS clients_removed`;

/** What prune() deletes; `before` and `dryRun` are the caller's. */
export type PruneCounts = Omit<PruneResult, 'before' | 'dryRun'>;

const count = defineQuery<PruneCounts>({
  name: 'pruneCount',
  params: ['before'],
  sqlite: countSql('sqlite'),
  postgres: countSql('postgres'),
  mapRow: (r) => ({
    requests: num(r.requests),
    hostEvents: num(r.host_events),
    clientEvents: num(r.client_events),
    anomalies: num(r.anomalies),
    damageMarks: num(r.damage_marks),
    logSpans: num(r.log_spans),
    clientsRemoved: num(r.clients_removed),
  }),
});

const deleteSql = (d: Dialect): string[] => [
  // first: the marks are found through the events they name
  `DELETE FROM damaged_records AS d WHERE ${markGone(d)}`,
  `DELETE FROM requests WHERE ${requestsBefore(d, 'requests')}`,
  `DELETE FROM host_events WHERE time < ${P[d].before}`,
  `DELETE FROM client_events WHERE time < ${P[d].before}`,
  `DELETE FROM anomalies WHERE time < ${P[d].before}`,
  `DELETE FROM log_spans WHERE last_time < ${P[d].before}`,
  // A stretch read across `before` now holds only what is kept: it starts at `before`, so a window
  // that starts earlier has a hole up to it and its counts are partial (analysis/coverage.ts). Its
  // record ids and event count stay as read.
  `UPDATE log_spans SET first_time = ${P[d].before} WHERE first_time < ${P[d].before}`,
];

const KEY = SUMMARY_KEY.split(', ');

/** client_summary rows that lost requests and keep some: their first request is gone, their latest stays. */
const staleRows = (d: Dialect, a: string) => `${a}.first_seen < ${P[d].before} AND ${a}.last_seen >= ${P[d].before}`;

/** The requests of the stale rows' CMIDs through requests_cmid_bucket: one seek per bucket and CMID. */
const staleCmidRequests: Record<Dialect, string> = {
  sqlite: `(requests.id >> ${CMID_BUCKET_BITS}) IN (
          WITH RECURSIVE b(n) AS (
            SELECT 0 UNION ALL SELECT n + 1 FROM b WHERE n < (SELECT COALESCE(MAX(id), 0) >> ${CMID_BUCKET_BITS} FROM requests))
          SELECT n FROM b)
        AND requests.cmid_id IN (SELECT DISTINCT c.cmid_id FROM client_summary c WHERE ${staleRows('sqlite', 'c')})`,
  postgres: `(requests.id >> ${CMID_BUCKET_BITS}) = ANY (ARRAY(
          SELECT generate_series(0::bigint, (SELECT COALESCE(MAX(id), 0) FROM requests) >> ${CMID_BUCKET_BITS})))
        AND requests.cmid_id = ANY (ARRAY(SELECT DISTINCT c.cmid_id FROM client_summary c WHERE ${staleRows('postgres', 'c')}))`,
};

/**
 * The stale rows rebuilt from their remaining requests: summary.ts summaryCatchUp (its ranking
 * rules, one definition) over those requests, its upsert turned into a replacement of the stored
 * row. Every stale row keeps its latest request, so each gets a row and none is added.
 */
const REPLACE = `
    ON CONFLICT (${SUMMARY_KEY}) DO UPDATE SET
      ${CLIENT_SUMMARY_COLUMNS.filter((c) => !KEY.includes(c)).map((c) => `${c} = excluded.${c}`).join(',\n      ')}`;

function rebuildStale(d: Dialect): string {
  const upsert = summaryCatchUp(`requests
      WHERE ${staleCmidRequests[d]}
        AND EXISTS (SELECT 1 FROM client_summary s WHERE ${KEY.map((k) => `s.${k} = requests.${k}`).join(' AND ')} AND ${staleRows(d, 's')})`);
  if (!upsert.endsWith(CLIENT_SUMMARY_CONFLICT)) throw new Error('prune: summaryCatchUp no longer ends with CLIENT_SUMMARY_CONFLICT');
  return upsert.slice(0, -CLIENT_SUMMARY_CONFLICT.length) + REPLACE;
}

const summariesSql = (d: Dialect): string[] => [
  rebuildStale(d),
  // rows whose every request is gone
  `DELETE FROM client_summary WHERE last_seen < ${P[d].before}`,
  // hosts with no request left
  `DELETE FROM request_hosts WHERE last_seen < ${P[d].before}`,
  // Hosts that lost requests and keep some (their latest: last_seen stands), from client_summary now
  // in line: each request is in exactly one of its rows, so per host the sum of their counts is its
  // requests and the earliest first request its first. Cheaper than counting the requests.
  `
    UPDATE request_hosts SET requests = k.requests, first_seen = k.first_seen
    FROM (SELECT host_id, SUM(requests) AS requests, MIN(first_seen) AS first_seen FROM client_summary GROUP BY host_id) k
    WHERE k.host_id = request_hosts.host_id AND request_hosts.first_seen < ${P[d].before}`,
];

/** The statements of Store.prune, each binding `before`, in the order the store runs them (see the top). */
export const pruneSql = {
  count,
  delete: { sqlite: deleteSql('sqlite'), postgres: deleteSql('postgres') },
  summaries: { sqlite: summariesSql('sqlite'), postgres: summariesSql('postgres') },
} as const;
