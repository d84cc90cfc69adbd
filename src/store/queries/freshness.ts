import { defineQuery, numOrNull } from './query.js';

/**
 * The summary tables (client_summary, request_hosts) fold in every stored request, whatever its
 * time. A question about `time <= at` may use them exactly when no request is newer than `at`
 * (the common case: a report "as of now"); otherwise the queries read the requests themselves.
 */
export const newestRequestQuery = defineQuery<number | null>({
  name: 'newestRequest',
  params: [],
  sqlite: `SELECT MAX(last_seen) AS newest FROM request_hosts`,
  postgres: `SELECT MAX(last_seen) AS newest FROM request_hosts`,
  mapRow: (r) => numOrNull(r.newest),
});

export function summaryCovers(newest: number | null, at: number): boolean {
  return newest === null || at >= newest;
}
