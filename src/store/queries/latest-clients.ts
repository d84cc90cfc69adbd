import type { ClientFilter, ClientRow } from '../types.js';
import { application, bool, defineQuery, num, str } from './query.js';

/**
 * docs/definitions.md "client": the latest request per (cmid, application) with time <= at,
 * with first seen and request count; the filter applies to that latest request.
 *
 * SQLite takes the latest row with its documented bare-column rule (a single max() aggregate:
 * the other columns come from the row holding the maximum); the statistics come from a second
 * grouping because a second min()/max() would make that choice arbitrary. PostgreSQL uses
 * DISTINCT ON.
 */
const FILTER = (p: Record<string, string>) => `
      (${p.host} IS NULL OR l.host_key = ${p.host})
      AND (${p.application} IS NULL OR l.application = ${p.application})
      AND (${p.state} IS NULL OR l.license_state = ${p.state})
      AND (${p.vm} IS NULL OR l.is_vm = ${p.vm})
      AND (${p.search} IS NULL OR ${p.strpos}(l.machine_key, ${p.search}) > 0 OR ${p.strpos}(l.cmid, ${p.search}) > 0)
      AND (${p.activationId} IS NULL OR l.activation_id = ${p.activationId})`;

const COLUMNS = `l.cmid, l.application, l.machine, h.host, l.activation_id, l.product_name,
           l.license_state, l.minutes_left, l.is_vm, l.result, l.minimum_count, l.last_seen,
           s.first_seen, s.requests`;

const sqlite = `
    WITH latest AS MATERIALIZED (
      SELECT cmid, application, MAX(time) AS last_seen, machine, machine_key, host_key, activation_id,
             product_name, license_state, minutes_left, is_vm, result, minimum_count
      FROM requests WHERE time <= @at
      GROUP BY cmid, application
    ), stats AS MATERIALIZED (
      SELECT cmid, application, MIN(time) AS first_seen, COUNT(*) AS requests
      FROM requests WHERE time <= @at
      GROUP BY cmid, application
    )
    SELECT ${COLUMNS}
    FROM latest l
    JOIN stats s ON s.cmid = l.cmid AND s.application = l.application
    JOIN host_names h ON h.host_key = l.host_key
    WHERE ${FILTER({ host: '@host', application: '@application', state: '@state', vm: '@vm', search: '@search', activationId: '@activationId', strpos: 'instr' })}
    ORDER BY l.last_seen DESC, l.cmid, l.application`;

const postgres = `
    WITH latest AS (
      SELECT DISTINCT ON (cmid, application)
             cmid, application, time AS last_seen, machine, machine_key, host_key, activation_id,
             product_name, license_state, minutes_left, is_vm, result, minimum_count
      FROM requests WHERE time <= $1
      ORDER BY cmid, application, time DESC, id DESC
    ), stats AS (
      SELECT cmid, application, MIN(time) AS first_seen, COUNT(*) AS requests
      FROM requests WHERE time <= $1
      GROUP BY cmid, application
    )
    SELECT ${COLUMNS}
    FROM latest l
    JOIN stats s ON s.cmid = l.cmid AND s.application = l.application
    JOIN host_names h ON h.host_key = l.host_key
    WHERE ${FILTER({ host: '$2::text', application: '$3::text', state: '$4::int', vm: '$5::boolean', search: '$6::text', activationId: '$7::text', strpos: 'strpos' })}
    ORDER BY l.last_seen DESC, l.cmid, l.application`;

export const latestClientsQuery = defineQuery<ClientRow>({
  name: 'latestClients',
  params: ['at', 'host', 'application', 'state', 'vm', 'search', 'activationId'],
  sqlite,
  postgres,
  mapRow: (r) => ({
    cmid: str(r.cmid),
    application: application(r.application),
    machine: str(r.machine),
    host: str(r.host),
    activationId: str(r.activation_id),
    productName: str(r.product_name),
    licenseState: num(r.license_state),
    minutesLeft: num(r.minutes_left),
    isVm: bool(r.is_vm),
    result: num(r.result),
    minimumCount: num(r.minimum_count),
    lastSeen: num(r.last_seen),
    firstSeen: num(r.first_seen),
    requests: num(r.requests),
  }),
});

/** Named parameters of latestClientsQuery; absent filters are null. Text filters compare lower-case. */
export function latestClientsParams(at: number, filter: ClientFilter = {}): Record<string, unknown> {
  return {
    at,
    host: filter.host === undefined ? null : filter.host.toLowerCase(),
    application: filter.application ?? null,
    state: filter.state ?? null,
    vm: filter.vm ?? null,
    search: filter.search === undefined || filter.search === '' ? null : filter.search.toLowerCase(),
    activationId: filter.activationId === undefined ? null : filter.activationId.toLowerCase(),
  };
}
