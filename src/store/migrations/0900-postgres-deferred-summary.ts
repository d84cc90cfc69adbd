import type { Migration } from './types.js';

/*
 * PostgreSQL only: client_summary is no longer upserted by every batch. A batch touches most
 * clients once, so that upsert cost as much server time as storing the requests (≈ 6.5 µs of
 * ≈ 16 µs per request at 10 M). A writer now folds its committed batches in memory and upserts
 * the fold when many have gathered, before it answers a query, and on close
 * (postgres/summary-pending.ts). Until then each such batch has a row here, written in the batch's
 * own transaction: the request-id blocks it stored its rows in (`block_starts`, each
 * `block_step` ids long). A row here means "these requests are stored but not yet in
 * client_summary". Whoever brings the summary up to date (that writer with its fold, or any
 * reader or writer from the requests themselves, in SQL) deletes the rows it folded in the same
 * transaction, having locked them first, so no batch is folded twice and none is lost when a
 * writer dies before writing its fold.
 */
const postgres = [
  `CREATE TABLE summary_pending (
    batch_id     BIGSERIAL PRIMARY KEY,
    block_starts BIGINT[] NOT NULL,
    block_step   INTEGER NOT NULL,
    requests     INTEGER NOT NULL
  )`,
];

export const postgresDeferredSummary: Migration = { id: '0900-postgres-deferred-summary', sqlite: [], postgres };
