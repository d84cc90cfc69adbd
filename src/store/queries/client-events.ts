import type { ClientEventRow } from '../types.js';
import { defineQuery, num, numOrNull, str } from './query.js';

/**
 * Clients' own 12288/12289 events with from < time <= to (migration 0001 client_events), oldest
 * first: by time, then the computer (its key), then record id (none last), then storage order.
 * The range is read through client_events_time (migration 1400); `fields` is the JSON text
 * columns.ts writeClientEvent stored. The computer is shown as host_names shows a host; an event
 * whose host has no checkpoint (none is written without one) keeps its key rather than vanishing.
 */
const body = (from: string, to: string) => `
    SELECT COALESCE(h.host, e.host_key) AS computer, e.event_id, e.time, e.record_id, e.result, e.result_hex, e.fields
    FROM client_events e
    LEFT JOIN host_names h ON h.host_key = e.host_key
    WHERE e.time > ${from} AND e.time <= ${to} AND e.event_id IN (12288, 12289)
    ORDER BY e.time, e.host_key, CASE WHEN e.record_id IS NULL THEN 1 ELSE 0 END, e.record_id, e.id`;

export const clientEventsQuery = defineQuery<ClientEventRow>({
  name: 'clientEvents',
  params: ['from', 'to'],
  sqlite: body('@from', '@to'),
  postgres: body('$1', '$2'),
  mapRow: (r) => ({
    computer: str(r.computer),
    eventId: clientEventId(r.event_id),
    time: num(r.time),
    recordId: numOrNull(r.record_id),
    result: num(r.result),
    resultHex: str(r.result_hex),
    fields: clientFields(r.fields),
  }),
});

function clientEventId(value: unknown): ClientEventRow['eventId'] {
  const id = num(value);
  if (id === 12288 || id === 12289) return id;
  throw new TypeError(`client event id ${id} is neither 12288 nor 12289`);
}

/** The stored `fields` text back to its named strings; anything else in the column is an error, not a guess. */
export function clientFields(value: unknown): Record<string, string> {
  const parsed: unknown = JSON.parse(str(value));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError('client event fields are not a JSON object');
  const entries = Object.entries(parsed);
  for (const [name, text] of entries) {
    if (typeof text !== 'string') throw new TypeError(`client event field ${JSON.stringify(name)} is not a string`);
  }
  // fromEntries defines own properties: a `__proto__` key stays a plain field
  return Object.fromEntries(entries) as Record<string, string>;
}
