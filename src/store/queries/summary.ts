/**
 * Upserts that fold a batch's new requests into the summary tables (migration 0001). The same
 * text serves both dialects: in DO UPDATE, unqualified `excluded.x` is the offered row and
 * `<table>.x` the stored one. Rules (src/store/sqlite/summary.ts): first request = earliest time,
 * lower id on a tie; latest = later time, then higher record id, then higher id; last_ok = newest
 * successful time.
 */
const T = 'client_summary';
const NEWER = `(excluded.last_seen > ${T}.last_seen OR (excluded.last_seen = ${T}.last_seen AND
      (excluded.last_rec > ${T}.last_rec OR (excluded.last_rec = ${T}.last_rec AND excluded.last_id > ${T}.last_id))))`;
const EARLIER = `(excluded.first_seen < ${T}.first_seen OR (excluded.first_seen = ${T}.first_seen AND excluded.first_id < ${T}.first_id))`;
const pick = (cond: string, column: string) => `${column} = CASE WHEN ${cond} THEN excluded.${column} ELSE ${T}.${column} END`;

export const CLIENT_SUMMARY_CONFLICT = `
    ON CONFLICT (cmid_id, product_id, host_id, machine_key_id, minimum_count) DO UPDATE SET
      requests = ${T}.requests + excluded.requests,
      ${['first_seen', 'first_id', 'first_machine_id'].map((c) => pick(EARLIER, c)).join(',\n      ')},
      ${['last_seen', 'last_rec', 'last_id', 'machine_id', 'result', 'license_state', 'minutes_left', 'is_vm'].map((c) => pick(NEWER, c)).join(',\n      ')},
      last_ok = CASE WHEN ${T}.last_ok IS NULL OR excluded.last_ok > ${T}.last_ok THEN excluded.last_ok ELSE ${T}.last_ok END`;

export const REQUEST_HOSTS_CONFLICT = `
    ON CONFLICT (host_id) DO UPDATE SET
      requests = request_hosts.requests + excluded.requests,
      first_seen = CASE WHEN excluded.first_seen < request_hosts.first_seen THEN excluded.first_seen ELSE request_hosts.first_seen END,
      last_seen = CASE WHEN excluded.last_seen > request_hosts.last_seen THEN excluded.last_seen ELSE request_hosts.last_seen END`;
