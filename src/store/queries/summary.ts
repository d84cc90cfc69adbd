/**
 * Upserts that fold a batch's new requests into the summary tables (migration 0001). The same
 * text serves both dialects: in DO UPDATE, unqualified `excluded.x` is the offered row and
 * `<table>.x` the stored one. Rules (src/store/sqlite/summary.ts): first request = earliest time,
 * lower id on a tie; latest = later time, then higher record id, then higher id; last_ok = newest
 * successful time.
 */
/** client_summary's columns (migration 0001) in the order both writers send them. */
export const CLIENT_SUMMARY_COLUMNS = [
  'cmid_id', 'product_id', 'host_id', 'machine_key_id', 'minimum_count', 'requests', 'first_seen', 'first_id',
  'first_machine_id', 'last_seen', 'last_rec', 'last_id', 'machine_id', 'result', 'license_state', 'minutes_left',
  'is_vm', 'last_ok',
] as const;

const T = 'client_summary';
const NEWER = `(excluded.last_seen > ${T}.last_seen OR (excluded.last_seen = ${T}.last_seen AND
      (excluded.last_rec > ${T}.last_rec OR (excluded.last_rec = ${T}.last_rec AND excluded.last_id > ${T}.last_id))))`;
const EARLIER = `(excluded.first_seen < ${T}.first_seen OR (excluded.first_seen = ${T}.first_seen AND excluded.first_id < ${T}.first_id))`;
const pick = (cond: string, column: string) => `${column} = CASE WHEN ${cond} THEN excluded.${column} ELSE ${T}.${column} END`;

export const CLIENT_SUMMARY_CONFLICT = `
    ON CONFLICT (cmid_id, product_id, host_id, machine_key_id, minimum_count) DO UPDATE SET
      requests = ${T}.requests + excluded.requests,
      ${['first_seen', 'first_id', 'first_machine_id'].map((c) => pick(EARLIER, c)).join(',\n      ')},
      ${['last_seen', 'last_rec', 'last_id', 'machine_id', 'result', 'license_state', 'minutes_left', 'is_vm'].map((c) => pick(NEWER, c)).join(',\n      ')},
      last_ok = CASE WHEN ${T}.last_ok IS NULL OR excluded.last_ok > ${T}.last_ok THEN excluded.last_ok ELSE ${T}.last_ok END`;

export const REQUEST_HOSTS_CONFLICT = `
    ON CONFLICT (host_id) DO UPDATE SET
      requests = request_hosts.requests + excluded.requests,
      first_seen = CASE WHEN excluded.first_seen < request_hosts.first_seen THEN excluded.first_seen ELSE request_hosts.first_seen END,
      last_seen = CASE WHEN excluded.last_seen > request_hosts.last_seen THEN excluded.last_seen ELSE request_hosts.last_seen END`;

/** client_summary's key, in the order its upserts sort rows (one lock order for every writer). */
export const SUMMARY_KEY = 'cmid_id, product_id, host_id, machine_key_id, minimum_count';
/** The request columns the catch-up ranks, as the `source` of summaryCatchUp must name them. */
const CATCH_UP_SOURCE_COLUMNS = `${SUMMARY_KEY}, id, time, CASE WHEN rec >= 0 THEN rec ELSE -1 END AS rec_order,
             machine_id, result, license_state, minutes_left, is_vm`;

/**
 * Folds the requests that `where` selects (a condition on `requests`, or a join to it) into
 * client_summary from SQL: one ranked row per key with the rules above (the same as the writers'
 * folds in memory), upserted. Used when no writer's fold covers those requests.
 */
function summaryCatchUp(from: string): string {
  return `
  INSERT INTO client_summary (${CLIENT_SUMMARY_COLUMNS.join(', ')})
  SELECT ${SUMMARY_KEY}, requests, first_seen, first_id, first_machine_id, time, rec_order, id,
         machine_id, result, license_state, minutes_left, is_vm, last_ok
  FROM (
    SELECT ${SUMMARY_KEY}, id, time, rec_order, machine_id, result, license_state, minutes_left, is_vm,
           COUNT(*) OVER whole AS requests,
           MAX(CASE WHEN result = 0 THEN time END) OVER whole AS last_ok,
           FIRST_VALUE(time) OVER earliest AS first_seen,
           FIRST_VALUE(id) OVER earliest AS first_id,
           FIRST_VALUE(machine_id) OVER earliest AS first_machine_id,
           ROW_NUMBER() OVER latest AS latest_rank
    FROM (SELECT ${CATCH_UP_SOURCE_COLUMNS} FROM ${from}) folded
    WINDOW whole AS (PARTITION BY ${SUMMARY_KEY}),
           earliest AS (PARTITION BY ${SUMMARY_KEY} ORDER BY time, id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
           latest AS (PARTITION BY ${SUMMARY_KEY} ORDER BY time DESC, rec_order DESC, id DESC)
  ) ranked
  WHERE latest_rank = 1
  ORDER BY ${SUMMARY_KEY}
  ${CLIENT_SUMMARY_CONFLICT}`;
}

/**
 * SQLite: the requests with id in (@lo, @hi] (sqlite/summary-sync.ts, above its summary_mark).
 * PostgreSQL: the requests in the id blocks [lo, hi) of $1, $2 (postgres/summary-pending.ts, the
 * listed batches).
 */
export const summaryCatchUpSql = {
  sqlite: summaryCatchUp('requests WHERE id > @lo AND id <= @hi'),
  postgres: summaryCatchUp('unnest($1::bigint[], $2::bigint[]) AS b(lo, hi) JOIN requests ON requests.id >= b.lo AND requests.id < b.hi'),
} as const;
