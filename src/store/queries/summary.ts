import { sql, type Sql } from '../driver.js';
import { latestOf, latestSummaryOrder } from './names.js';

/**
 * Upserts that fold a batch's new requests into the summary tables (migration 0001). The same
 * text serves both dialects: in DO UPDATE, unqualified `excluded.x` is the offered row and
 * `<table>.x` the stored one. Rules: first request = earliest time, lower id on a tie; latest =
 * later time, then higher record id, then higher id (names.ts latestOf); last_ok = newest
 * successful time.
 */
/** client_summary's columns (migration 0001) in the order the writer sends them. */
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
 * Folds the requests that `from` selects (a FROM clause on `requests`) into client_summary in SQL:
 * one ranked row per key with the rules above, upserted. The reference the writers' per-batch
 * fold (summary-rows.ts) is tested against; rebuilds the table in migration 1200 and prune.
 */
export function summaryCatchUp(from: string): string {
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
           latest AS (PARTITION BY ${SUMMARY_KEY} ORDER BY ${latestOf('time', 'rec_order', 'id')})
  ) ranked
  WHERE latest_rank = 1
  ORDER BY ${SUMMARY_KEY}
  ${CLIENT_SUMMARY_CONFLICT}`;
}

/**
 * Brings request_hosts up to date with the requests a batch stored (ids above @after). `+host_id`: grouped after reading the batch's rows by id, not by
 * walking requests_dedup (host_id first) through the whole table to save a sort of a few rows
 * (SQLite chose that: 0.4 s a batch at 10 M requests).
 */
export const updateRequestHostsSql = sql('updateRequestHosts', ['after'], (p) => `
  INSERT INTO request_hosts (host_id, requests, first_seen, last_seen)
  SELECT +host_id, COUNT(*), MIN(time), MAX(time) FROM requests WHERE id > ${p.after} GROUP BY 1
  ${REQUEST_HOSTS_CONFLICT}`);

/**
 * client_summary.newest (migration 1900): 1 on the row holding its client's latest request for its
 * application (first by latestSummaryOrder among the rows of its CMID and application), else 0.
 * Only the rows of a CMID that got a request can change, so a batch ranks the rows of its CMIDs
 * (ids above @after) and flips the marks that are wrong: one ranking of the batch's rows instead of
 * a test of every row against its client's others (a batch of 50,000 CMIDs at 10 M requests:
 * PostgreSQL 150 against 275 ms; SQLite 76 ms). Prune never
 * changes a mark: a row it deletes has every request before `before`, so another row of its client
 * that stays is newer, and a row it rebuilds keeps its latest request. ARRAY(…) on PostgreSQL: the
 * CMIDs sought by the key, not a scan.
 */
const markNewest = (cmids: string) => `
  UPDATE client_summary SET newest = 1 - newest
  WHERE (cmid_id, product_id, host_id, machine_key_id, minimum_count) IN (
    SELECT cmid_id, product_id, host_id, machine_key_id, minimum_count FROM (
      SELECT s.cmid_id, s.product_id, s.host_id, s.machine_key_id, s.minimum_count, s.newest,
             ROW_NUMBER() OVER (PARTITION BY s.cmid_id, p.application ORDER BY ${latestSummaryOrder('s')}) AS n
      FROM client_summary s JOIN products p ON p.id = s.product_id
      WHERE s.cmid_id ${cmids}
    ) ranked
    WHERE newest <> CASE WHEN n = 1 THEN 1 ELSE 0 END)`;

export const markNewestSql: Sql = {
  name: 'markNewestSummaries', params: ['after'],
  sqlite: markNewest('IN (SELECT cmid_id FROM requests WHERE id > @after)'),
  postgres: markNewest('= ANY (ARRAY(SELECT DISTINCT cmid_id FROM requests WHERE id > $1))'),
};
