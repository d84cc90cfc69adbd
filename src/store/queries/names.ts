import { REQUEST_CMID_BUCKET_BITS } from '../migrations/0400-sqlite-bulk-layout.js';

/**
 * SQL fragments shared by the queries over the narrow requests table and its summaries
 * (migration 0001): ids resolve to text through `strings` and `products`; hosts are shown by their
 * display name (host_names) and ordered by their lower-case key.
 */

/** Joins `hk` (host key text) and `h` (host_names) for a host id column. */
export const hostJoin = (hostIdColumn: string) =>
  `JOIN strings hk ON hk.id = ${hostIdColumn} JOIN host_names h ON h.host_key = hk.value`;

/** The record id of a narrow row (rec is negative for events without one). */
export const recordIdOf = (alias: string) => `CASE WHEN ${alias}.rec >= 0 THEN ${alias}.rec END`;

/** "Latest" order of requests: time, then record id (-1 when none), then storage order. */
export const latestOrder = (alias: string) =>
  `${alias}.time DESC, CASE WHEN ${alias}.rec >= 0 THEN ${alias}.rec ELSE -1 END DESC, ${alias}.id DESC`;

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
 * PostgreSQL: the condition on requests `alias` that finds the requests of some CMIDs through
 * requests_cmid_bucket (migration 0800): `cmids` completes `alias.cmid_id …` (`= $1`,
 * `= ANY($1::bigint[])`, `= c.id`). Every bucket up to the newest id is listed, so the index is
 * sought once per bucket and CMID.
 */
export const postgresCmidRows = (alias: string, cmids: string) => `(${alias}.id >> ${REQUEST_CMID_BUCKET_BITS}) = ANY (ARRAY(
        SELECT generate_series(0::bigint, (SELECT COALESCE(MAX(id), 0) FROM requests) >> ${REQUEST_CMID_BUCKET_BITS})))
      AND ${alias}.cmid_id ${cmids}`;

/**
 * SQLite: ids of the requests of the CMID ids `cmidIds` (an `IN` list or sub-select) through
 * request_cmids (migration 0400), one primary-key seek per bucket and CMID.
 */
export const sqliteCmidRequestIds = (cmidIds: string) => `
      SELECT x.id FROM request_cmids x
      WHERE x.bucket IN (
          WITH RECURSIVE b(n) AS (
            SELECT 0 UNION ALL SELECT n + 1 FROM b WHERE n < (SELECT COALESCE(MAX(id), 0) >> ${REQUEST_CMID_BUCKET_BITS} FROM requests))
          SELECT n FROM b)
        AND x.cmid_id IN ${cmidIds}`;
