import type { Migration } from './types.js';

/*
 * SQLite only: the layout that lets a bulk load write each page about once.
 *
 * request_cmids replaces the index requests_cmid. An index is written in the order the table rows
 * arrive (time order), which puts every request at a random place of the index: each batch dirtied
 * most of its pages and the WAL wrote them all again, a cost that grew with the history. As a table
 * of its own it is written in (bucket, cmid_id, id) order, sorted per batch, and `bucket` (= id >> 20,
 * about a million requests) keeps a batch's entries inside the newest bucket, so a batch dirties
 * only that bucket's pages. One client's history is one seek per bucket
 * (queries/client-requests.ts).
 *
 * Frozen as shipped: the writer later bucketed by id >> 18 (commit 7da5ec8), so databases hold
 * both layouts; migration 1200 replaces the table with one index for every database.
 *
 * summary_mark: client_summary and request_hosts fold in every request with id <= upto. The SQLite
 * writer folds committed batches in memory and upserts them every so often instead of once per
 * batch (sqlite/summary-sync.ts); readers bring the summary up to date before they use it.
 * PostgreSQL keeps its summaries current in every batch and needs neither.
 */

const sqlite = [
  `CREATE TABLE request_cmids (
    bucket  INTEGER NOT NULL,
    cmid_id INTEGER NOT NULL,
    id      INTEGER NOT NULL,
    PRIMARY KEY (bucket, cmid_id, id)
  ) WITHOUT ROWID`,
  `INSERT INTO request_cmids (bucket, cmid_id, id)
     SELECT id >> 20, cmid_id, id FROM requests ORDER BY 1, 2, 3`,
  'DROP INDEX requests_cmid',
  `CREATE TABLE summary_mark (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    upto INTEGER NOT NULL
  )`,
  // until now the summaries were kept current in every batch
  'INSERT INTO summary_mark (one, upto) SELECT 1, COALESCE(MAX(id), 0) FROM requests',
];

export const sqliteBulkLayout: Migration = { id: '0400-sqlite-bulk-layout', sqlite, postgres: [] };
