import type { AnomalyRow } from '../types.js';
import { defineQuery, num, numOrNull, str } from './query.js';

/** Anomalies with time <= at, newest first, up to limit. */
export const anomaliesQuery = defineQuery<AnomalyRow>({
  name: 'anomalies',
  params: ['at', 'limit'],
  sqlite: `
    SELECT host, channel, event_id, record_id, time, provider, reason, raw, source
    FROM anomalies WHERE time <= @at
    ORDER BY time DESC, id DESC
    LIMIT @limit`,
  postgres: `
    SELECT host, channel, event_id, record_id, time, provider, reason, raw, source
    FROM anomalies WHERE time <= $1
    ORDER BY time DESC, id DESC
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
