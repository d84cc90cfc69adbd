import type { Migration } from './types.js';

/*
 * What the dashboard's overview reads at 10 M requests:
 * - client_summary.newest: 1 on the row holding its client's latest request for its application,
 *   so the overview reads those rows instead of testing every row against its client's others
 *   (200,000 clients: 150 ms). Kept by every batch (queries/summary.ts markNewestSql) and filled
 *   here with the same rule, written out: a migration never changes once shipped.
 * - SQLite: client_summary_machine, to count the distinct machines (queries/totals.ts) in index
 *   order instead of sorting every row; a row's machine is part of its key, so a batch adds
 *   entries only for new rows.
 * - PostgreSQL: the failed requests' covering index (0600) with the product the failures query
 *   has read since, so a window's failures come from the index alone again, not one heap page
 *   per failed request (0.16 s of 0.36 at 10 M).
 */
const fill = `UPDATE client_summary SET newest = 1 WHERE NOT EXISTS (
    SELECT 1 FROM client_summary t JOIN products tp ON tp.id = t.product_id
    WHERE t.cmid_id = client_summary.cmid_id
      AND tp.application = (SELECT application FROM products WHERE id = client_summary.product_id)
      AND (t.last_seen > client_summary.last_seen OR (t.last_seen = client_summary.last_seen
        AND (t.last_rec > client_summary.last_rec OR (t.last_rec = client_summary.last_rec AND t.last_id > client_summary.last_id)))))`;

const newest = ['ALTER TABLE client_summary ADD COLUMN newest INTEGER NOT NULL DEFAULT 0', fill];

export const overviewReads: Migration = {
  id: '1900-overview-reads',
  sqlite: [...newest, 'CREATE INDEX client_summary_machine ON client_summary (machine_key_id)'],
  postgres: [
    ...newest,
    `CREATE INDEX requests_failed_covering ON requests (time)
       INCLUDE (machine_id, machine_key_id, cmid_id, host_id, result, product_id) WHERE result <> 0`,
    'DROP INDEX requests_failed_time_covering',
  ],
};
