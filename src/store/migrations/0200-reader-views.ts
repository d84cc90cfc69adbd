import type { Migration } from './types.js';

/*
 * Stable views for Grafana / BI readers (documented in docs/postgres.md). The tables behind them may
 * change; these column names and meanings may not (a change is a new view, not an edit).
 *   kms_requests    one row per stored activation request, with a real timestamp column
 *   kms_clients     the latest request per (cmid, application): the client's current state
 *   kms_host_counts per host and application, the 30-day count as of now (docs/definitions.md)
 * Times: *_ms columns are epoch ms UTC; event_time / last_seen_at are timestamptz (PostgreSQL) or
 * ISO-8601 UTC text (SQLite). The views resolve the integer ids of the narrow tables (0001).
 */

const LICENSE_STATE_NAME = (col: string) => `CASE ${col}
      WHEN 0 THEN 'Unlicensed' WHEN 1 THEN 'Licensed' WHEN 2 THEN 'OOBGrace' WHEN 3 THEN 'OOTGrace'
      WHEN 4 THEN 'NonGenuineGrace' WHEN 5 THEN 'Notification' WHEN 6 THEN 'ExtendedGrace'
      ELSE 'Unknown (' || ${col} || ')' END`;

const kmsRequests = (eventTime: string) => `CREATE VIEW kms_requests AS
    SELECT r.id, hn.value AS host, hk.value AS host_key, ch.value AS channel,
           CASE WHEN r.rec >= 0 THEN r.rec END AS record_id, r.time AS time_ms, ${eventTime} AS event_time,
           r.result, rh.value AS result_hex, r.result = 0 AS succeeded, m.value AS machine,
           mk.value AS machine_key, c.value AS cmid, p.application, p.activation_id, p.name AS product_name,
           r.minimum_count, r.license_state, ${LICENSE_STATE_NAME('r.license_state')} AS license_state_name,
           r.minutes_left, r.is_vm, r.client_time_text, r.epoch, src.value AS source
    FROM requests r
    JOIN strings hn ON hn.id = r.host_name_id
    JOIN strings hk ON hk.id = r.host_id
    JOIN strings ch ON ch.id = r.channel_id
    JOIN strings rh ON rh.id = r.result_hex_id
    JOIN strings m ON m.id = r.machine_id
    JOIN strings mk ON mk.id = r.machine_key_id
    JOIN strings c ON c.id = r.cmid_id
    JOIN strings src ON src.id = r.source_id
    JOIN products p ON p.id = r.product_id`;

// the latest of a client's summary rows (one per host, product, machine and minimum; usually one)
const kmsClients = (lastSeenAt: string) => `CREATE VIEW kms_clients AS
    SELECT c.value AS cmid, l.application, m.value AS machine, hn.value AS host, l.last_seen AS last_seen_ms,
           ${lastSeenAt} AS last_seen_at, l.first_seen AS first_seen_ms, l.total_requests AS requests,
           rh.value AS result_hex, r.license_state, ${LICENSE_STATE_NAME('r.license_state')} AS license_state_name,
           r.minutes_left, CASE WHEN r.minutes_left > 0 THEN l.last_seen + r.minutes_left * 60000 END AS expires_ms,
           p.activation_id, p.name AS product_name, r.is_vm
    FROM (
      SELECT s.cmid_id, p.application, s.last_seen, s.last_id,
             MIN(s.first_seen) OVER w AS first_seen, SUM(s.requests) OVER w AS total_requests,
             ROW_NUMBER() OVER (PARTITION BY s.cmid_id, p.application ORDER BY s.last_seen DESC, s.last_rec DESC, s.last_id DESC) AS n
      FROM client_summary s JOIN products p ON p.id = s.product_id
      WINDOW w AS (PARTITION BY s.cmid_id, p.application)
    ) l
    JOIN requests r ON r.id = l.last_id
    JOIN strings c ON c.id = l.cmid_id
    JOIN strings m ON m.id = r.machine_id
    JOIN strings hn ON hn.id = r.host_name_id
    JOIN strings rh ON rh.id = r.result_hex_id
    JOIN products p ON p.id = r.product_id
    WHERE l.n = 1`;

// a client's newest successful request decides whether it is in the window (requests dated after
// now are not counted, as by the host itself)
const kmsHostCounts = (nowMs: string) => `CREATE VIEW kms_host_counts AS
    SELECT h.host, w.application, w.active, w.max_minimum, 2 * w.max_minimum AS cap,
           CASE WHEN w.active < 2 * w.max_minimum THEN w.active ELSE 2 * w.max_minimum END AS current_count,
           w.last_request_ms
    FROM (
      SELECT s.host_id, p.application, COUNT(DISTINCT s.cmid_id) AS active, MAX(s.minimum_count) AS max_minimum,
             MAX(s.last_ok) AS last_request_ms
      FROM client_summary s JOIN products p ON p.id = s.product_id
      WHERE s.last_ok > ${nowMs} - 2592000000 AND s.last_ok <= ${nowMs}
      GROUP BY s.host_id, p.application
    ) w
    JOIN strings hk ON hk.id = w.host_id
    JOIN host_names h ON h.host_key = hk.value`;

const sqlite: string[] = [
  kmsRequests(`strftime('%Y-%m-%dT%H:%M:%fZ', r.time / 1000.0, 'unixepoch')`),
  kmsClients(`strftime('%Y-%m-%dT%H:%M:%fZ', l.last_seen / 1000.0, 'unixepoch')`),
  kmsHostCounts(`(CAST(strftime('%s', 'now') AS INTEGER) * 1000)`),
];

const postgres: string[] = [
  kmsRequests(`to_timestamp(r.time / 1000.0)`),
  kmsClients(`to_timestamp(l.last_seen / 1000.0)`),
  kmsHostCounts(`(extract(epoch FROM now()) * 1000)::bigint`),
];

export const readerViews: Migration = { id: '0200-binary-text-and-reader-views', sqlite, postgres };
