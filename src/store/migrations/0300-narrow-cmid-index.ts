import type { Migration } from './types.js';

/*
 * requests_cmid was (cmid_id, time). Every stored request inserts into it at a random place (its
 * client), so each batch dirties most of its pages and writes them to the WAL again: the index is
 * the largest ingest cost after the table itself. Its only reader, one client's history
 * (queries/client-requests.ts), sorts by time, record id and id anyway, so the time column bought
 * nothing; without it the entries are about a third smaller (fewer pages to dirty per batch).
 */
const ddl = ['DROP INDEX requests_cmid', 'CREATE INDEX requests_cmid ON requests (cmid_id)'];

export const narrowCmidIndex: Migration = { id: '0300-narrow-cmid-index', sqlite: ddl, postgres: ddl };
