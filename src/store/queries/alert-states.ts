import type { AlertState } from '../types.js';
import { defineQuery, num, numOrNull, str, strOrNull } from './query.js';

/** Alert state rows (src/alerts) and the collector's key/value meta table (migration 0100). */

const COLUMNS =
  'id, rule, severity, host, summary, details, status, first_seen, last_seen, resolved_at, notified_at, resolved_notified_at';

function severity(value: unknown): AlertState['severity'] {
  const s = str(value);
  if (s === 'critical' || s === 'warning' || s === 'info') return s;
  throw new TypeError(`unknown alert severity ${JSON.stringify(s)}`);
}

function status(value: unknown): AlertState['status'] {
  const s = str(value);
  if (s === 'open' || s === 'resolved') return s;
  throw new TypeError(`unknown alert status ${JSON.stringify(s)}`);
}

export const alertStatesQuery = defineQuery<AlertState>({
  name: 'alertStates',
  params: [],
  sqlite: `SELECT ${COLUMNS} FROM alert_states ORDER BY id`,
  postgres: `SELECT ${COLUMNS} FROM alert_states ORDER BY id`,
  mapRow: (r) => ({
    id: str(r.id),
    rule: str(r.rule),
    severity: severity(r.severity),
    host: strOrNull(r.host),
    summary: str(r.summary),
    details: str(r.details),
    status: status(r.status),
    firstSeen: num(r.first_seen),
    lastSeen: num(r.last_seen),
    resolvedAt: numOrNull(r.resolved_at),
    notifiedAt: numOrNull(r.notified_at),
    resolvedNotifiedAt: numOrNull(r.resolved_notified_at),
  }),
});

const UPDATE_SET = `
      rule = excluded.rule, severity = excluded.severity, host = excluded.host, summary = excluded.summary,
      details = excluded.details, status = excluded.status, first_seen = excluded.first_seen,
      last_seen = excluded.last_seen, resolved_at = excluded.resolved_at, notified_at = excluded.notified_at,
      resolved_notified_at = excluded.resolved_notified_at`;

/** Inserts or replaces one alert state by id. */
export const upsertAlertStateSql = {
  name: 'upsertAlertState',
  sqlite: `
    INSERT INTO alert_states (${COLUMNS})
    VALUES (@id, @rule, @severity, @host, @summary, @details, @status, @firstSeen, @lastSeen, @resolvedAt, @notifiedAt, @resolvedNotifiedAt)
    ON CONFLICT (id) DO UPDATE SET${UPDATE_SET}`,
  postgres: `
    INSERT INTO alert_states (${COLUMNS})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT (id) DO UPDATE SET${UPDATE_SET}`,
  params: ['id', 'rule', 'severity', 'host', 'summary', 'details', 'status', 'firstSeen', 'lastSeen', 'resolvedAt', 'notifiedAt', 'resolvedNotifiedAt'],
} as const;

/** Named parameters of upsertAlertStateSql for one state. */
export function alertStateParams(s: AlertState): Record<string, unknown> {
  return { ...s };
}

export const metaQuery = defineQuery<{ value: string }>({
  name: 'meta',
  params: ['key'],
  sqlite: `SELECT value FROM meta WHERE key = @key`,
  postgres: `SELECT value FROM meta WHERE key = $1`,
  mapRow: (r) => ({ value: str(r.value) }),
});

export const setMetaSql = {
  name: 'setMeta',
  sqlite: `INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  postgres: `INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  params: ['key', 'value'],
} as const;
