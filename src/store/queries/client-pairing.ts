/**
 * Keeps each stored 12288's answer (client_events answer_time, answer_result, answer_count,
 * migration 1700) as rules/client-pairing.ts pairs: the computer's next event, if that is a 12289 at
 * most 5 minutes later and the 12288 is not 0xC004F074 (NOT_CONTACTED). Run inside every batch that
 * stores client events, for their computers from 5 minutes before the batch's oldest one: a new
 * event can change only the answer of the event just before it, and a 12288 more than the pairing
 * window before it keeps none it could lose.
 */
import { NOT_CONTACTED, PAIRING_WINDOW_MS } from '../rules/client-pairing.js';

/** The pairing of `events` (aliased `e`: one computer's stored events each), set on their 12288s. */
const body = (events: string) => `
    UPDATE client_events SET answer_time = p.answer_time, answer_result = p.answer_result, answer_count = p.answer_count
    FROM (
      SELECT id,
        CASE WHEN ${paired} THEN next_time END AS answer_time,
        CASE WHEN ${paired} THEN next_result END AS answer_result,
        CASE WHEN ${paired} THEN next_count END AS answer_count
      FROM (
        SELECT e.id, e.event_id, e.time, e.result,
          LEAD(e.event_id) OVER w AS next_event, LEAD(e.time) OVER w AS next_time,
          LEAD(e.result) OVER w AS next_result, LEAD(e.current_count) OVER w AS next_count
        FROM ${events}
        WHERE e.event_id IN (12288, 12289)
        WINDOW w AS (PARTITION BY e.host_key ORDER BY e.time, CASE WHEN e.record_id IS NULL THEN 1 ELSE 0 END, e.record_id, e.event_id, e.id)
      ) n
      WHERE event_id = 12288
    ) p
    WHERE client_events.id = p.id`;

const paired = `result <> ${NOT_CONTACTED} AND next_event = 12289 AND next_time - time <= ${PAIRING_WINDOW_MS}`;

export const pairClientEventsSql = {
  name: 'pairClientEvents',
  params: ['hostKeys', 'since'],
  // driven by the computers, each read through client_events_host_time (host_key, time): through
  // client_events_kind both planners read every computer's events since the oldest one of the batch
  // (SQLite keeps a CROSS JOIN's order; OFFSET 0 keeps PostgreSQL from flattening the lateral read
  // and from taking the event ids into it, where stale statistics had it AND two bitmap scans)
  /** @hostKeys JSON array of distinct host keys, @since the oldest time re-paired */
  sqlite: body(`json_each(@hostKeys) k
          CROSS JOIN client_events e ON e.host_key = k.value AND e.time >= @since`),
  postgres: body(`unnest($1::text[]) AS k(host_key)
          CROSS JOIN LATERAL (
            SELECT * FROM client_events c WHERE c.host_key = k.host_key AND c.time >= $2 OFFSET 0
          ) e`),
};
