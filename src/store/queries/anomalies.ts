import type { AnomalyRow } from '../types.js';
import { defineQuery, num, numOrNull, str } from './query.js';

/** Anomalies with time <= at, newest first, up to limit; the host by its display name (host_names). */
export const anomaliesQuery = defineQuery<AnomalyRow>({
  name: 'anomalies',
  params: ['at', 'limit'],
  sqlite: `
    SELECT h.host, a.channel, a.event_id, a.record_id, a.time, a.provider, a.reason, a.raw, a.source
    FROM anomalies a JOIN host_names h ON h.host_key = a.host_key
    WHERE a.time <= @at
    ORDER BY a.time DESC, a.id DESC
    LIMIT @limit`,
  postgres: `
    SELECT h.host, a.channel, a.event_id, a.record_id, a.time, a.provider, a.reason, a.raw, a.source
    FROM anomalies a JOIN host_names h ON h.host_key = a.host_key
    WHERE a.time <= $1
    ORDER BY a.time DESC, a.id DESC
    LIMIT $2`,
  mapRow: (r) => ({
    host: str(r.host),
    channel: str(r.channel),
    eventId: num(r.event_id),
    recordId: numOrNull(r.record_id),
    time: num(r.time),
    provider: str(r.provider),
    reason: str(r.reason),
    raw: str(r.raw),
    source: str(r.source),
  }),
});

/** Number of anomalies with time <= at. */
export const anomalyCountQuery = defineQuery<number>({
  name: 'anomalyCount',
  params: ['at'],
  sqlite: `SELECT COUNT(*) AS total FROM anomalies WHERE time <= @at`,
  postgres: `SELECT COUNT(*) AS total FROM anomalies WHERE time <= $1`,
  mapRow: (r) => num(r.total),
});
