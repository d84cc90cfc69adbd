/**
 * SQL fragments shared by the queries over the narrow requests table and its summaries
 * (migration 0001): ids resolve to text through `strings` and `products`; hosts are shown by their
 * display name (host_names) and ordered by their lower-case key.
 */

/**
 * Joins `hk` (host key text) and `h` (host_names) for a host id column. `|| ''` keeps SQLite from
 * finding `hk` by its text: without statistics it then drove the join from every checkpoint (one
 * per client computer when clients forward their logs) instead of from the rows being named.
 */
export const hostJoin = (hostIdColumn: string) =>
  `JOIN strings hk ON hk.id = ${hostIdColumn} JOIN host_names h ON h.host_key = hk.value || ''`;

/** The record id of a narrow row (rec is negative for events without one). */
export const recordIdOf = (alias: string) => `CASE WHEN ${alias}.rec >= 0 THEN ${alias}.rec END`;

/**
 * The "latest request" rule (docs/definitions.md "client"): the later time, then the higher record
 * id (-1 when none), then the later stored (higher id). rules/latest-order.ts is the same rule in
 * TypeScript. latestOrder orders requests, latestSummaryOrder client_summary rows by their latest
 * request (last_rec holds the record id or -1), latestOf any relation with those three columns.
 */
export const latestOf = (time: string, rec: string, id: string) => `${time} DESC, ${rec} DESC, ${id} DESC`;
export const latestOrder = (alias: string) => latestOf(`${alias}.time`, `CASE WHEN ${alias}.rec >= 0 THEN ${alias}.rec ELSE -1 END`, `${alias}.id`);
export const latestSummaryOrder = (alias: string) => latestOf(`${alias}.last_seen`, `${alias}.last_rec`, `${alias}.last_id`);

/**
 * Restricts a requests scan to an event-time range through the dedup index (host_id, second, …):
 * every host that has requests, each a range of seconds.
 */
export const secondRange = (alias: string, fromSecond: string, toSecond: string) =>
  `${alias}.host_id IN (SELECT host_id FROM request_hosts) AND ${alias}.second >= ${fromSecond} AND ${alias}.second <= ${toSecond}`;

/**
 * The requests after `at` (the "tail" that the summaries hold beyond a past instant), through the
 * dedup index: every host, seconds from at's on.
 */
export const afterAt = (alias: string, atSecond: string, at: string) =>
  `${alias}.host_id IN (SELECT host_id FROM request_hosts) AND ${alias}.second >= ${atSecond} AND ${alias}.time > ${at}`;

/** Epoch ms → the second an event time of (from, to] can have at the edges. */
export function secondBounds(from: number, to: number): { fromSecond: number; toSecond: number } {
  return { fromSecond: Math.floor(from / 1000), toSecond: Math.floor(to / 1000) };
}

/**
 * Requests are found by CMID through the index requests_cmid_bucket on ((id >> 18), cmid_id)
 * (migration 1200): row ids rise with every batch, so a batch's entries fall in the newest bucket
 * of 2^18 ids and the index is written at its end. The shift is in the index definition: a
 * condition must use the same expression for the index to serve it.
 */
export const CMID_BUCKET_SHIFT = 18;

/**
 * The condition on requests `alias` that finds the requests of some CMIDs: `cmids` completes
 * `alias.cmid_id …` (`= x`, `IN (…)`, `= ANY($1::bigint[])`). Every bucket up to the newest id is
 * listed, so the index is sought once per bucket and CMID. Same algorithm in both dialects; only
 * the list of buckets is written differently.
 */
export const cmidRows = {
  sqlite: (alias: string, cmids: string) => `(${alias}.id >> ${CMID_BUCKET_SHIFT}) IN (
          WITH RECURSIVE b(n) AS (
            SELECT 0 UNION ALL SELECT n + 1 FROM b WHERE n < (SELECT COALESCE(MAX(id), 0) >> ${CMID_BUCKET_SHIFT} FROM requests))
          SELECT n FROM b)
        AND ${alias}.cmid_id ${cmids}`,
  postgres: (alias: string, cmids: string) => `(${alias}.id >> ${CMID_BUCKET_SHIFT}) = ANY (ARRAY(
        SELECT generate_series(0::bigint, (SELECT COALESCE(MAX(id), 0) FROM requests) >> ${CMID_BUCKET_SHIFT})))
      AND ${alias}.cmid_id ${cmids}`,
} as const;
