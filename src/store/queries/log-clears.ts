import type { LogClearRow } from '../types.js';
import { defineQuery, num, numOrNull, str } from './query.js';

const SQL = `
    SELECT h.host, c.channel, c.epoch, c.detected_at, c.previous_last_record_id, c.first_record_id
    FROM log_clears c JOIN host_names h ON h.host_key = c.host_key
    ORDER BY c.host_key, c.channel, c.epoch`;

/** Every detected log clear (docs/definitions.md "log clear"). */
export const logClearsQuery = defineQuery<LogClearRow>({
  name: 'logClears',
  params: [],
  sqlite: SQL,
  postgres: SQL,
  mapRow: (r) => ({
    host: str(r.host),
    channel: str(r.channel),
    epoch: num(r.epoch),
    detectedAt: num(r.detected_at),
    previousLastRecordId: numOrNull(r.previous_last_record_id),
    firstRecordId: numOrNull(r.first_record_id),
  }),
});
