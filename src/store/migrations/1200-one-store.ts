import type { Migration } from './types.js';

/*
 * One layout for both dialects, with the summaries current at every commit (issue 22).
 *
 * - One client's requests are found through the index requests_cmid_bucket on ((id >> 18), cmid_id)
 *   on both: row ids rise with every batch, so a batch's entries fall in the newest bucket of 2^18
 *   ids. SQLite's request_cmids table (migration 0400; buckets of 2^20 ids in databases made before
 *   commit 7da5ec8, 2^18 after) and PostgreSQL's index of 0800 are replaced.
 * - The deferred summary folds are gone: every batch brings request_hosts and client_summary up to
 *   date in its own transaction. SQLite's summary_mark and PostgreSQL's summary_pending, which
 *   said how far behind the summary was, go, and so does PostgreSQL's window_days (the window
 *   counts read client_summary on both).
 * - Both summaries are rebuilt from the requests, which brings a summary that a deferred fold left
 *   behind up to date. The rules are those of store/queries/summary.ts as of this migration
 *   (copied, not imported: a migration never changes once shipped).
 */
const KEY = 'cmid_id, product_id, host_id, machine_key_id, minimum_count';

const rebuildSummaries = [
  'DELETE FROM client_summary',
  `INSERT INTO client_summary (${KEY}, requests, first_seen, first_id, first_machine_id, last_seen, last_rec, last_id,
                               machine_id, result, license_state, minutes_left, is_vm, last_ok)
   SELECT ${KEY}, requests, first_seen, first_id, first_machine_id, time, rec_order, id,
          machine_id, result, license_state, minutes_left, is_vm, last_ok
   FROM (
     SELECT ${KEY}, id, time, rec_order, machine_id, result, license_state, minutes_left, is_vm,
            COUNT(*) OVER whole AS requests,
            MAX(CASE WHEN result = 0 THEN time END) OVER whole AS last_ok,
            FIRST_VALUE(time) OVER earliest AS first_seen,
            FIRST_VALUE(id) OVER earliest AS first_id,
            FIRST_VALUE(machine_id) OVER earliest AS first_machine_id,
            ROW_NUMBER() OVER latest AS latest_rank
     FROM (SELECT ${KEY}, id, time, CASE WHEN rec >= 0 THEN rec ELSE -1 END AS rec_order,
                  machine_id, result, license_state, minutes_left, is_vm FROM requests) r
     WINDOW whole AS (PARTITION BY ${KEY}),
            earliest AS (PARTITION BY ${KEY} ORDER BY time, id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
            latest AS (PARTITION BY ${KEY} ORDER BY time DESC, rec_order DESC, id DESC)
   ) ranked
   WHERE latest_rank = 1`,
  'DELETE FROM request_hosts',
  `INSERT INTO request_hosts (host_id, requests, first_seen, last_seen)
   SELECT host_id, COUNT(*), MIN(time), MAX(time) FROM requests GROUP BY host_id`,
];

const sqlite = [
  'DROP TABLE summary_mark',
  'DROP TABLE request_cmids',
  'CREATE INDEX requests_cmid_bucket ON requests ((id >> 18), cmid_id)',
  ...rebuildSummaries,
];

const postgres = [
  'DROP TABLE summary_pending',
  'DROP TABLE window_days',
  'DROP INDEX requests_cmid_bucket',
  'CREATE INDEX requests_cmid_bucket ON requests ((id >> 18), cmid_id)',
  ...rebuildSummaries,
];

export const oneStore: Migration = { id: '1200-one-store', sqlite, postgres };
