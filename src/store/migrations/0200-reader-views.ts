import type { Migration } from './types.js';

/*
 * PostgreSQL: byte-wise text comparison (below). Both backends: stable views for Grafana / BI readers (documented in docs/postgres.md). The tables behind them may
 * change; these column names and meanings may not (a change is a new view, not an edit).
 *   kms_requests    one row per stored activation request, with a real timestamp column
 *   kms_clients     the latest request per (cmid, application): the client's current state
 *   kms_host_counts per host and application, the 30-day count as of now (docs/definitions.md)
 * Times: *_ms columns are epoch ms UTC; event_time / last_seen_at are timestamptz (PostgreSQL) or
 * ISO-8601 UTC text (SQLite).
 */

const LICENSE_STATE_NAME = `CASE license_state
      WHEN 0 THEN 'Unlicensed' WHEN 1 THEN 'Licensed' WHEN 2 THEN 'OOBGrace' WHEN 3 THEN 'OOTGrace'
      WHEN 4 THEN 'NonGenuineGrace' WHEN 5 THEN 'Notification' WHEN 6 THEN 'ExtendedGrace'
      ELSE 'Unknown (' || license_state || ')' END`;

const requestColumns = (eventTime: string) => `
    id, host, host_key, channel, record_id, time AS time_ms, ${eventTime} AS event_time,
    result, result_hex, result = 0 AS succeeded, machine, machine_key, cmid, application,
    activation_id, product_name, minimum_count, license_state, ${LICENSE_STATE_NAME} AS license_state_name,
    minutes_left, is_vm, client_time_text, epoch, source`;

const hostCounts = (nowMs: string) => `
    SELECT h.host, w.application, w.active, w.max_minimum, 2 * w.max_minimum AS cap,
           CASE WHEN w.active < 2 * w.max_minimum THEN w.active ELSE 2 * w.max_minimum END AS current_count,
           w.last_request_ms
    FROM (
      SELECT host_key, application, COUNT(DISTINCT cmid) AS active, MAX(minimum_count) AS max_minimum,
             MAX(time) AS last_request_ms
      FROM requests
      WHERE result = 0 AND time > ${nowMs} - 2592000000 AND time <= ${nowMs}
      GROUP BY host_key, application
    ) w
    JOIN host_names h ON h.host_key = w.host_key`;

const sqlite: string[] = [
  `CREATE VIEW kms_requests AS SELECT ${requestColumns(`strftime('%Y-%m-%dT%H:%M:%fZ', time / 1000.0, 'unixepoch')`)} FROM requests`,
  // the bare columns of a single max() aggregate come from the row holding the maximum (SQLite rule)
  `CREATE VIEW kms_clients AS
    SELECT l.cmid, l.application, l.machine, l.host, l.last_seen AS last_seen_ms,
           strftime('%Y-%m-%dT%H:%M:%fZ', l.last_seen / 1000.0, 'unixepoch') AS last_seen_at,
           s.first_seen AS first_seen_ms, s.requests, l.result_hex, l.license_state,
           ${LICENSE_STATE_NAME.replace(/license_state/g, 'l.license_state')} AS license_state_name,
           l.minutes_left, CASE WHEN l.minutes_left > 0 THEN l.last_seen + l.minutes_left * 60000 END AS expires_ms,
           l.activation_id, l.product_name, l.is_vm
    FROM (SELECT cmid, application, MAX(time) AS last_seen, machine, host, result_hex, license_state,
                 minutes_left, activation_id, product_name, is_vm
          FROM requests GROUP BY cmid, application) l
    JOIN (SELECT cmid, application, MIN(time) AS first_seen, COUNT(*) AS requests
          FROM requests GROUP BY cmid, application) s
      ON s.cmid = l.cmid AND s.application = l.application`,
  `CREATE VIEW kms_host_counts AS ${hostCounts(`(CAST(strftime('%s', 'now') AS INTEGER) * 1000)`)}`,
];

/*
 * PostgreSQL only: every text column compares byte-wise (COLLATE "C"), as SQLite's BINARY does,
 * whatever locale the database was created with. Otherwise ORDER BY, MIN() and GROUP BY on names
 * follow e.g. en_US rules and reports differ between the backends; "C" comparisons are also the
 * cheapest for the dedup and CMID indexes. host_names depends on checkpoints, so it is recreated.
 */
const binaryText = (table: string, columns: string[]) =>
  `ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE text COLLATE "C"`).join(', ')}`;
const COMMON_TEXT = ['host', 'host_key', 'channel', 'dedup_key', 'source'];

const postgres: string[] = [
  `DROP VIEW host_names`,
  binaryText('checkpoints', ['host_key', 'channel', 'host']),
  `CREATE VIEW host_names AS SELECT host_key, MIN(host) AS host FROM checkpoints GROUP BY host_key`,
  binaryText('log_clears', ['host', 'host_key', 'channel']),
  binaryText('requests', [
    ...COMMON_TEXT, 'result_hex', 'machine', 'machine_key', 'cmid', 'client_time_text', 'activation_id', 'product_name', 'application',
  ]),
  binaryText('host_events', [...COMMON_TEXT, 'type', 'result_hex', 'domain', 'detail']),
  binaryText('client_events', [...COMMON_TEXT, 'result_hex', 'fields']),
  binaryText('anomalies', [...COMMON_TEXT, 'provider', 'reason', 'raw']),
  `CREATE VIEW kms_requests AS SELECT ${requestColumns(`to_timestamp(time / 1000.0)`)} FROM requests`,
  `CREATE VIEW kms_clients AS
    SELECT l.cmid, l.application, l.machine, l.host, l.last_seen AS last_seen_ms,
           to_timestamp(l.last_seen / 1000.0) AS last_seen_at,
           s.first_seen AS first_seen_ms, s.requests, l.result_hex, l.license_state,
           ${LICENSE_STATE_NAME.replace(/license_state/g, 'l.license_state')} AS license_state_name,
           l.minutes_left, CASE WHEN l.minutes_left > 0 THEN l.last_seen + l.minutes_left * 60000 END AS expires_ms,
           l.activation_id, l.product_name, l.is_vm
    FROM (SELECT DISTINCT ON (cmid, application)
                 cmid, application, time AS last_seen, machine, host, result_hex, license_state,
                 minutes_left, activation_id, product_name, is_vm
          FROM requests ORDER BY cmid, application, time DESC, id DESC) l
    JOIN (SELECT cmid, application, MIN(time) AS first_seen, COUNT(*) AS requests
          FROM requests GROUP BY cmid, application) s
      ON s.cmid = l.cmid AND s.application = l.application`,
  `CREATE VIEW kms_host_counts AS ${hostCounts(`(extract(epoch FROM now()) * 1000)::bigint`)}`,
];

export const readerViews: Migration = { id: '0200-binary-text-and-reader-views', sqlite, postgres };
