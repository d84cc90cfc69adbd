import type { ClientEventRow, ClientRequestRow } from '../types.js';
import { defineQuery, num, numOrNull, str, strOrNull } from './query.js';

/**
 * Clients' own 12288/12289 events with from < time <= to (migration 0001 client_events), oldest
 * first: by time, then the computer (its key), then record id (none last), then storage order.
 * The range is read through client_events_time (migration 1400); `fields` is the JSON text
 * columns.ts writeClientEvent stored. `computer` is the host key here: Store.clientEvents shows it
 * as host_names shows a host (hostNamesSql, looked up in TypeScript: joined, the view cost 1 s of
 * 2 at 226 k events and 19,550 computers); an event whose host has no checkpoint (none is written
 * without one) keeps its key rather than vanishing.
 */
const body = (from: string, to: string) => `
    SELECT e.host_key, e.event_id, e.time, e.record_id, e.result, e.result_hex, e.fields
    FROM client_events e
    WHERE e.time > ${from} AND e.time <= ${to} AND e.event_id IN (12288, 12289)
    ORDER BY e.time, e.host_key, CASE WHEN e.record_id IS NULL THEN 1 ELSE 0 END, e.record_id, e.id`;

/** Each host key's display name (the host_names view), for clientEventsQuery's computers. */
const namesBody = 'SELECT host_key, host FROM host_names';
export const hostNamesSql = { name: 'hostNames', params: [], sqlite: namesBody, postgres: namesBody } as const;

export const clientEventsQuery = defineQuery<ClientEventRow>({
  name: 'clientEvents',
  params: ['from', 'to'],
  sqlite: body('@from', '@to'),
  postgres: body('$1', '$2'),
  mapRow: (r) => ({
    computer: str(r.host_key),
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
  const fields = parsed as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (typeof fields[name] !== 'string') throw new TypeError(`client event field ${JSON.stringify(name)} is not a string`);
  }
  // JSON.parse defines own properties: a `__proto__` key stays a plain field (no copy needed)
  return fields as Record<string, string>;
}

/**
 * Clients' 12288s with from < time <= to and the answers pairing keeps on them (migration 1700,
 * queries/client-pairing.ts), in clientEventsQuery's order; read through client_events_kind (1700).
 */
const requestsBody = (from: string, to: string) => `
    SELECT host_key, time, record_id, result, result_hex, kms_host, activation_id, minimum_count, answer_time, answer_result, answer_count
    FROM client_events
    WHERE event_id = 12288 AND time > ${from} AND time <= ${to}
    ORDER BY time, host_key, CASE WHEN record_id IS NULL THEN 1 ELSE 0 END, record_id, id`;

export const pairedRequestsQuery = defineQuery<ClientRequestRow>({
  name: 'pairedRequests',
  params: ['from', 'to'],
  sqlite: requestsBody('@from', '@to'),
  postgres: requestsBody('$1', '$2'),
  mapRow: (r) => ({
    computer: str(r.host_key),
    time: num(r.time),
    recordId: numOrNull(r.record_id),
    result: num(r.result),
    resultHex: str(r.result_hex),
    kmsHost: strOrNull(r.kms_host),
    activationId: strOrNull(r.activation_id),
    minimumCount: strOrNull(r.minimum_count),
    answer: r.answer_time === null || r.answer_time === undefined
      ? null
      : { time: num(r.answer_time), result: num(r.answer_result), currentCount: strOrNull(r.answer_count) },
  }),
});

const responsesBody = (from: string, to: string) =>
  `SELECT COUNT(*) AS responses FROM client_events WHERE event_id = 12289 AND time > ${from} AND time <= ${to}`;

/** How many 12289s have from < time <= to. */
export const clientResponsesQuery = defineQuery<{ responses: number }>({
  name: 'clientResponses',
  params: ['from', 'to'],
  sqlite: responsesBody('@from', '@to'),
  postgres: responsesBody('$1', '$2'),
  mapRow: (r) => ({ responses: num(r.responses) }),
});
