import type { Migration } from './types.js';

/*
 * PostgreSQL ingest (src/store/postgres/write-requests.ts, docs/postgres.md "How writes work"):
 *
 * - requests_id_seq steps by 1024: a writer reserves the ids of a batch's rows with one nextval()
 *   per 1,024 rows (request-ids.ts) rather than one per row; nextval() through the column default
 *   still hands out unique ids, only further apart.
 * - client_summary keeps half of each page free (fillfactor 50): a batch updates most clients'
 *   rows once, and with room on the page each new row version stays there (a HOT update: no new
 *   primary-key entry, and the page's old versions are pruned on the next visit). On full pages
 *   every update moved the row to a new page and added an index entry, so the table and its index
 *   grew by a copy of every changed row per batch. CLUSTER rewrites the rows already stored with
 *   the new fillfactor (in key order, the order the upserts visit them).
 */
const postgres = [
  'ALTER SEQUENCE requests_id_seq INCREMENT BY 1024',
  'ALTER TABLE client_summary SET (fillfactor = 50)',
  'CLUSTER client_summary USING client_summary_pkey',
];

export const postgresIngest: Migration = { id: '0500-postgres-ingest', sqlite: [], postgres };
