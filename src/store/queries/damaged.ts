import type { DamagedEventRow } from '../types.js';
import { defineQuery, num, numOrNull, str, strOrNull } from './query.js';

/**
 * Marks of events read from damaged EVTX chunks (migration 1000) and the stored events they name.
 * A mark is the event's dedup identity: on requests (host_id, second, channel_id, rec) through the
 * strings of its host key and channel, found by the requests_dedup index; on the other event
 * tables their text dedup key `<record id>@<second>` (src/store/dedup.ts). Marks are few (a damaged
 * chunk holds a few hundred records), so each is looked up on its own.
 */

/** damaged_records' columns as Store.markDamaged inserts them (ON CONFLICT DO NOTHING: marking twice is a no-op). */
export const DAMAGE_MARK_COLUMNS = ['host_key', 'channel', 'second', 'rec', 'file', 'chunk', 'checks'] as const;

const textKey = (d: string) => ({ sqlite: `${d}.rec || '@' || ${d}.second`, postgres: `${d}.rec::text || '@' || ${d}.second::text` });

// CROSS JOIN keeps the marks the outer loop on SQLite, which without statistics drove the join from
// the event tables: every client event up to `at` probed the (empty) marks (67 ms at 226 k events);
// the same for the host names below (it drove them from every checkpoint)
const otherEvents = (kind: string, table: string, key: string, at: string) => `
    SELECT '${kind}' AS kind, d.host_key, d.channel, d.rec, e.time, d.file, d.chunk, d.checks,
           NULL AS machine, NULL AS cmid, NULL AS result
    FROM damaged_records d
    CROSS JOIN ${table} e
    WHERE e.host_key = d.host_key AND e.channel = d.channel AND e.dedup_key = ${key} AND e.time <= ${at}`;

const body = (dialect: 'sqlite' | 'postgres', at: string) => `
    SELECT x.kind, h.host, x.channel, x.rec, x.time, x.file, x.chunk, x.checks, x.machine, x.cmid, x.result
    FROM (
      SELECT 'request' AS kind, d.host_key, d.channel, d.rec, r.time, d.file, d.chunk, d.checks,
             (SELECT m.value FROM strings m WHERE m.id = r.machine_id) AS machine,
             (SELECT c.value FROM strings c WHERE c.id = r.cmid_id) AS cmid,
             r.result
      FROM damaged_records d
      CROSS JOIN strings hk
      CROSS JOIN strings ch
      CROSS JOIN requests r
      WHERE hk.value = d.host_key AND ch.value = d.channel
        AND r.host_id = hk.id AND r.second = d.second AND r.channel_id = ch.id AND r.rec = d.rec AND r.time <= ${at}
      UNION ALL ${otherEvents('host', 'host_events', textKey('d')[dialect], at)}
      UNION ALL ${otherEvents('client', 'client_events', textKey('d')[dialect], at)}
      UNION ALL ${otherEvents('anomaly', 'anomalies', textKey('d')[dialect], at)}
    ) x
    ${dialect === 'sqlite' ? 'CROSS JOIN' : 'JOIN'} host_names h ON h.host_key = x.host_key
    ORDER BY x.file, x.chunk, x.host_key, x.channel, x.rec, x.time`;

function kind(value: unknown): DamagedEventRow['kind'] {
  const k = str(value);
  if (k === 'request' || k === 'host' || k === 'client' || k === 'anomaly') return k;
  throw new TypeError(`unknown event kind ${JSON.stringify(k)}`);
}

export const damagedEventsQuery = defineQuery<DamagedEventRow>({
  name: 'damagedEvents',
  params: ['at'],
  sqlite: body('sqlite', '@at'),
  postgres: body('postgres', '$1'),
  mapRow: (r) => ({
    kind: kind(r.kind),
    host: str(r.host),
    channel: str(r.channel),
    recordId: num(r.rec),
    time: num(r.time),
    file: str(r.file),
    chunk: num(r.chunk),
    checks: str(r.checks),
    machine: strOrNull(r.machine),
    cmid: strOrNull(r.cmid),
    result: numOrNull(r.result),
  }),
});
