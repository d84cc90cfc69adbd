import type { Migration } from './types.js';

/*
 * The report's client side without reading every client event of its window (issue 25):
 * - kms_host, activation_id, minimum_count (12288) and current_count (12289): the fields it reads,
 *   as logged, beside the JSON `fields` (columns.ts writeClientEvent);
 * - answer_time, answer_result, answer_count on each 12288: the 12289 that answers it, kept by every
 *   batch (queries/client-pairing.ts) and set here for the stored events with the same statement over
 *   every computer (copied, not imported: a migration never changes once shipped);
 * - client_events_kind: the 12288s and the 12289s of a time range, each kind on its own.
 */
const paired = 'result <> 3221549172 AND next_event = 12289 AND next_time - time <= 300000';

const pairAll = `
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
        WHERE event_id IN (12288, 12289)
        WINDOW w AS (PARTITION BY host_key ORDER BY time, CASE WHEN record_id IS NULL THEN 1 ELSE 0 END, record_id, event_id, id)
      ) n
      WHERE event_id = 12288
    ) p
    WHERE client_events.id = p.id`;

const ddl = (text: string, int: string, field: (name: string) => string) => [
  ...['kms_host', 'activation_id', 'minimum_count', 'current_count', 'answer_count'].map((c) => `ALTER TABLE client_events ADD COLUMN ${c} ${text}`),
  ...['answer_time', 'answer_result'].map((c) => `ALTER TABLE client_events ADD COLUMN ${c} ${int}`),
  `UPDATE client_events SET kms_host = ${field('kmsHost')}, activation_id = ${field('activationId')}, minimum_count = ${field('minimumCount')}
     WHERE event_id = 12288`,
  `UPDATE client_events SET current_count = ${field('currentCount')} WHERE event_id = 12289`,
  pairAll,
  'CREATE INDEX client_events_kind ON client_events (event_id, time)',
];

export const clientPairing: Migration = {
  id: '1700-client-pairing',
  // `fields` holds a JSON object of strings: json_extract and ->> give the string itself
  sqlite: ddl('TEXT', 'INTEGER', (name) => `json_extract(fields, '$.${name}')`),
  postgres: ddl('TEXT COLLATE "C"', 'BIGINT', (name) => `(fields::json ->> '${name}')`),
};
