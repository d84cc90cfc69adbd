import type { Migration } from './types.js';

/*
 * failure_counts: per host and result code, the failed requests stored (queries/failure-counts.ts),
 * kept current by every batch and filled here from the stored requests (copied, not imported: a
 * migration never changes once shipped).
 */
const fill = `INSERT INTO failure_counts (host_id, result, requests, last_seen)
  SELECT host_id, result, COUNT(*), MAX(time) FROM requests WHERE result <> 0 GROUP BY host_id, result`;

const ddl = (int: string) => [
  `CREATE TABLE failure_counts (
     host_id ${int} NOT NULL, result ${int} NOT NULL, requests ${int} NOT NULL, last_seen ${int} NOT NULL,
     PRIMARY KEY (host_id, result)
   )`,
  fill,
];

export const failureCounts: Migration = { id: '1600-failure-counts', sqlite: ddl('INTEGER'), postgres: ddl('BIGINT') };
