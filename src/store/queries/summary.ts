/**
 * Upserts that fold a batch's new requests into the summary tables (migration 0001). The same
 * text serves both dialects: in DO UPDATE, unqualified `excluded.x` is the offered row and
 * `<table>.x` the stored one. Rules (src/store/sqlite/summary.ts): first request = earliest time,
 * lower id on a tie; latest = later time, then higher record id, then higher id; last_ok = newest
 * successful time.
 */
/** The merge of an offered row `e` into the stored row `t` (SET list; same rules in both statements). */
function mergeSet(t: string, e: string): string {
  const newer = `(${e}.last_seen > ${t}.last_seen OR (${e}.last_seen = ${t}.last_seen AND
      (${e}.last_rec > ${t}.last_rec OR (${e}.last_rec = ${t}.last_rec AND ${e}.last_id > ${t}.last_id))))`;
  const earlier = `(${e}.first_seen < ${t}.first_seen OR (${e}.first_seen = ${t}.first_seen AND ${e}.first_id < ${t}.first_id))`;
  const pick = (cond: string, column: string) => `${column} = CASE WHEN ${cond} THEN ${e}.${column} ELSE ${t}.${column} END`;
  return `
      requests = ${t}.requests + ${e}.requests,
      ${['first_seen', 'first_id', 'first_machine_id'].map((c) => pick(earlier, c)).join(',\n      ')},
      ${['last_seen', 'last_rec', 'last_id', 'machine_id', 'result', 'license_state', 'minutes_left', 'is_vm'].map((c) => pick(newer, c)).join(',\n      ')},
      last_ok = CASE WHEN ${t}.last_ok IS NULL OR ${e}.last_ok > ${t}.last_ok THEN ${e}.last_ok ELSE ${t}.last_ok END`;
}

const SUMMARY_KEY_COLUMNS = ['cmid_id', 'product_id', 'host_id', 'machine_key_id', 'minimum_count'];

export const CLIENT_SUMMARY_CONFLICT = `
    ON CONFLICT (${SUMMARY_KEY_COLUMNS.join(', ')}) DO UPDATE SET${mergeSet('client_summary', 'excluded')}`;

/**
 * PostgreSQL: the same merge as an UPDATE of stored rows from the offered rows of `source` (alias
 * e) that `where` selects (postgres/summary-keys.ts says why).
 */
export const clientSummaryUpdate = (source: string, where: string) => `
    UPDATE client_summary t SET${mergeSet('t', 'e')}
    FROM ${source} e
    WHERE ${where} AND ${SUMMARY_KEY_COLUMNS.map((c) => `t.${c} = e.${c}`).join(' AND ')}`;

export const REQUEST_HOSTS_CONFLICT = `
    ON CONFLICT (host_id) DO UPDATE SET
      requests = request_hosts.requests + excluded.requests,
      first_seen = CASE WHEN excluded.first_seen < request_hosts.first_seen THEN excluded.first_seen ELSE request_hosts.first_seen END,
      last_seen = CASE WHEN excluded.last_seen > request_hosts.last_seen THEN excluded.last_seen ELSE request_hosts.last_seen END`;
