import type { KmsRecord } from '../../kms/types.js';
import { eventContent, requestContent, type CopyKey } from '../copies.js';
import { cmidRows } from './names.js';
import { num, numOrNull, str, strOrNull, type RawRow } from './query.js';

/**
 * The stored events a batch's candidates may be copies of (store/copies.ts): the requests of some
 * CMIDs on one host within a range of event seconds (found through the CMID index, a client has a
 * few requests a week), and the host events, client events and anomalies of one host within a time
 * range (small tables).
 */
const requestsBody = (where: string) => `
    SELECT r.second, r.time, ch.value AS channel, r.rec, src.value AS source, r.result_hex_id, r.minimum_count,
           r.machine_key_id, r.cmid_id, r.client_time_text, r.is_vm, r.license_state, r.minutes_left, r.product_id
    FROM requests r
    JOIN strings ch ON ch.id = r.channel_id
    JOIN strings src ON src.id = r.source_id
    WHERE ${where}`;

export const requestCopiesSql = {
  name: 'requestCopies',
  params: ['cmidIds', 'hostId', 'fromSecond', 'toSecond'],
  /** @cmidIds JSON array of CMID ids, @hostId, @fromSecond, @toSecond */
  sqlite: requestsBody(`${cmidRows.sqlite('r', 'IN (SELECT value FROM json_each(@cmidIds))')}
      AND r.host_id = @hostId AND r.second >= @fromSecond AND r.second <= @toSecond`),
  /** $1 CMID ids, $2 host id, $3 from second, $4 to second */
  postgres: requestsBody(`${cmidRows.postgres('r', '= ANY($1::bigint[])')}
      AND r.host_id = $2 AND r.second >= $3 AND r.second <= $4`),
};

const eventsBody = (host: string, from: string, to: string) => `
    SELECT 'host' AS kind, channel, record_id, time, event_id, type, result_hex, domain, source
      FROM host_events WHERE host_key = ${host} AND time >= ${from} AND time <= ${to}
    UNION ALL
    SELECT 'client', channel, record_id, time, event_id, NULL, result_hex, NULL, source
      FROM client_events WHERE host_key = ${host} AND time >= ${from} AND time <= ${to}
    UNION ALL
    SELECT 'anomaly', channel, record_id, time, event_id, NULL, NULL, NULL, source
      FROM anomalies WHERE host_key = ${host} AND time >= ${from} AND time <= ${to}`;

export const eventCopiesSql = {
  name: 'eventCopies',
  params: ['hostKey', 'from', 'to'],
  sqlite: eventsBody('@hostKey', '@from', '@to'),
  postgres: eventsBody('$1', '$2', '$3'),
};

export function requestCopyOf(hostKey: string, r: RawRow): CopyKey {
  const rec = num(r.rec);
  return {
    kind: 'request',
    hostKey,
    channel: str(r.channel),
    second: num(r.second),
    time: num(r.time),
    recordId: rec >= 0 ? rec : null,
    eventId: 12290,
    content: requestContent(
      num(r.result_hex_id), num(r.minimum_count), num(r.machine_key_id), num(r.cmid_id), str(r.client_time_text),
      typeof r.is_vm === 'boolean' ? r.is_vm : num(r.is_vm) !== 0, num(r.license_state), num(r.minutes_left), num(r.product_id),
    ),
    source: str(r.source),
  };
}

export function eventCopyOf(hostKey: string, r: RawRow): CopyKey {
  const kind = str(r.kind) as KmsRecord['kind'];
  const time = num(r.time);
  const eventId = num(r.event_id);
  return {
    kind,
    hostKey,
    channel: str(r.channel),
    second: Math.floor(time / 1000),
    time,
    recordId: numOrNull(r.record_id),
    eventId,
    content: eventContent({ kind, eventId, type: strOrNull(r.type) ?? undefined, resultHex: strOrNull(r.result_hex), domain: strOrNull(r.domain) }),
    source: str(r.source),
  };
}
