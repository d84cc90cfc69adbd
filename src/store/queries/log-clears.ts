import type { LogClearRow } from '../types.js';
import { defineQuery, num, numOrNull, str } from './query.js';

const SQL = `
    SELECT host, channel, epoch, detected_at, previous_last_record_id, first_record_id
    FROM log_clears
    ORDER BY host_key, channel, epoch`;

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
