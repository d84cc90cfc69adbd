import type { Sql } from '../driver.js';
import type { FailureCountRow } from '../types.js';
import { afterAt, hostJoin } from './names.js';
import { defineQuery, num, str } from './query.js';

/**
 * failure_counts (migration 1600): per host and result code, the failed requests (result ≠ 0x0)
 * stored, kept current by every batch. `/metrics`' kms_failures_total reads it: grouping every
 * failure ever stored cost 1.6–1.9 s at 10 M requests (123 k failure rows), the table about 1 ms.
 */
const CONFLICT = `ON CONFLICT (host_id, result) DO UPDATE SET requests = failure_counts.requests + excluded.requests,
      last_seen = CASE WHEN excluded.last_seen > failure_counts.last_seen THEN excluded.last_seen ELSE failure_counts.last_seen END`;

/** The failed requests a batch stored (ids above @after / $1). `+host_id` as in updateRequestHostsSql. */
const update = (after: string) => `
  INSERT INTO failure_counts (host_id, result, requests, last_seen)
  SELECT +host_id, result, COUNT(*), MAX(time) FROM requests WHERE id > ${after} AND result <> 0 GROUP BY 1, 2
  ${CONFLICT}`;

export const updateFailureCountsSql: Sql = {
  name: 'updateFailureCounts', params: ['after'], sqlite: update('@after'), postgres: update('$1').replace('+host_id', 'host_id'),
};

const fill = `INSERT INTO failure_counts (host_id, result, requests, last_seen)
  SELECT host_id, result, COUNT(*), MAX(time) FROM requests WHERE result <> 0 GROUP BY host_id, result`;

/** The table from the stored requests (prune; migration 1600 keeps a frozen copy). */
export const rebuildFailureCountsSql: readonly Sql[] = [
  { name: 'clearFailureCounts', params: [], sqlite: 'DELETE FROM failure_counts', postgres: 'DELETE FROM failure_counts' },
  { name: 'rebuildFailureCounts', params: [], sqlite: fill, postgres: fill },
];

const mapRow = (r: Record<string, unknown>): FailureCountRow => ({ host: str(r.host), result: num(r.result), requests: num(r.requests) });

const summary = `
    SELECT h.host, f.result, f.requests FROM failure_counts f ${hostJoin('f.host_id')}
    ORDER BY h.host_key, f.result`;

/** As of now (the table covers `at`, see freshness.ts). */
export const failureCountsSummaryQuery = defineQuery<FailureCountRow>({ name: 'failureCountsSummary', params: [], sqlite: summary, postgres: summary, mapRow });

/** As of a past instant: the table less the failures after `at` (through the dedup index, as totals do). */
const past = (at: string, atSecond: string) => `
    SELECT h.host, f.result, f.requests - COALESCE(a.requests, 0) AS requests
    FROM failure_counts f
    LEFT JOIN (SELECT r.host_id, r.result, COUNT(*) AS requests FROM requests r
               WHERE ${afterAt('r', atSecond, at)} AND r.result <> 0 GROUP BY r.host_id, r.result) a
      ON a.host_id = f.host_id AND a.result = f.result
    ${hostJoin('f.host_id')}
    WHERE f.requests - COALESCE(a.requests, 0) > 0
    ORDER BY h.host_key, f.result`;

export const failureCountsPastQuery = defineQuery<FailureCountRow>({
  name: 'failureCountsPast', params: ['at', 'atSecond'], sqlite: past('@at', '@atSecond'), postgres: past('$1', '$2'), mapRow,
});
