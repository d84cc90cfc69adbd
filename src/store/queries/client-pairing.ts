/**
 * Keeps each stored 12288's answer (client_events answer_time, answer_result, answer_count,
 * migration 1700) as rules/client-pairing.ts pairs: the computer's next event, if that is a 12289 at
 * most 5 minutes later and the 12288 is not 0xC004F074 (NOT_CONTACTED). Run inside every batch that
 * stores client events, for their computers from 5 minutes before the batch's oldest one: a new
 * event can change only the answer of the event just before it, and a 12288 more than the pairing
 * window before it keeps none it could lose.
 */
import { NOT_CONTACTED, PAIRING_WINDOW_MS } from '../rules/client-pairing.js';

/** The pairing of the events `filter` selects, set on their 12288s; the same text on both dialects but the filter. */
const body = (filter: string) => `
    UPDATE client_events SET answer_time = p.answer_time, answer_result = p.answer_result, answer_count = p.answer_count
    FROM (
      SELECT id,
        CASE WHEN ${paired} THEN next_time END AS answer_time,
        CASE WHEN ${paired} THEN next_result END AS answer_result,
        CASE WHEN ${paired} THEN next_count END AS answer_count
      FROM (
        SELECT id, event_id, time, result,
          LEAD(event_id) OVER w AS next_event, LEAD(time) OVER w AS next_time,
          LEAD(result) OVER w AS next_result, LEAD(current_count) OVER w AS next_count
        FROM client_events
        WHERE event_id IN (12288, 12289) AND ${filter}
        WINDOW w AS (PARTITION BY host_key ORDER BY time, CASE WHEN record_id IS NULL THEN 1 ELSE 0 END, record_id, event_id, id)
      ) n
      WHERE event_id = 12288
    ) p
    WHERE client_events.id = p.id`;

const paired = `result <> ${NOT_CONTACTED} AND next_event = 12289 AND next_time - time <= ${PAIRING_WINDOW_MS}`;

export const pairClientEventsSql = {
  name: 'pairClientEvents',
  params: ['hostKeys', 'since'],
  /** @hostKeys JSON array of host keys, @since the oldest time re-paired */
  sqlite: body('host_key IN (SELECT value FROM json_each(@hostKeys)) AND time >= @since'),
  postgres: body('host_key = ANY($1::text[]) AND time >= $2'),
};
