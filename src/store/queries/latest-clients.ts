import type { ClientFilter, ClientRow } from '../types.js';
import { latestOrder } from './names.js';
import { application, bool, defineQuery, num, str } from './query.js';

/**
 * docs/definitions.md "client": the latest request per (cmid, application) with time <= at
 * (later time, then higher record id, then the later stored), with first seen and request count;
 * the filter applies to that latest request.
 *
 * Exact form (here): every request up to `at`, ranked per client. The summary form, for `at` at or
 * after the newest request (freshness.ts), folds client_summary in JS: latest-clients-summary.ts.
 */
const FILTER = (p: Record<string, string>) => `
      (${p.host} IS NULL OR hk.value = ${p.host})
      AND (${p.application} IS NULL OR l.application = ${p.application})
      AND (${p.state} IS NULL OR l.license_state = ${p.state})
      AND (${p.vm} IS NULL OR l.is_vm = ${p.vm})
      AND (${p.search} IS NULL OR ${p.strpos}(mk.value, ${p.search}) > 0 OR ${p.strpos}(c.value, ${p.search}) > 0)
      AND (${p.activationId} IS NULL OR p.activation_id = ${p.activationId})`;

const STATE = 'machine_id, machine_key_id, host_id, product_id, license_state, minutes_left, is_vm, result, minimum_count';

const exactSource = (at: string) => `
      SELECT r.cmid_id, p.application, r.time AS last_seen, ${STATE.split(', ').map((c) => `r.${c}`).join(', ')},
             MIN(r.time) OVER w AS first_seen, COUNT(*) OVER w AS requests,
             ROW_NUMBER() OVER (PARTITION BY r.cmid_id, p.application ORDER BY ${latestOrder('r')}) AS n
      FROM requests r JOIN products p ON p.id = r.product_id
      WHERE r.time <= ${at}
      WINDOW w AS (PARTITION BY r.cmid_id, p.application)`;

const body = (source: string, filter: string) => `
    WITH l AS MATERIALIZED (${source}
    )
    SELECT c.value AS cmid, l.application, m.value AS machine, h.host, p.activation_id, p.name AS product_name,
           l.license_state, l.minutes_left, l.is_vm, l.result, l.minimum_count, l.last_seen, l.first_seen, l.requests
    FROM l
    JOIN strings c ON c.id = l.cmid_id
    JOIN strings m ON m.id = l.machine_id
    JOIN strings mk ON mk.id = l.machine_key_id
    JOIN products p ON p.id = l.product_id
    JOIN strings hk ON hk.id = l.host_id
    JOIN host_names h ON h.host_key = hk.value
    WHERE l.n = 1 AND ${filter}
    ORDER BY l.last_seen DESC, c.value, l.application`;

const SQLITE_FILTER = FILTER({ host: '@host', application: '@application', state: '@state', vm: '@vm', search: '@search', activationId: '@activationId', strpos: 'instr' });
const PG_FILTER = (first: number) => {
  const n = (i: number) => `$${first + i}`;
  return FILTER({ host: `${n(0)}::text`, application: `${n(1)}::text`, state: `${n(2)}::int`, vm: `${n(3)}::boolean`, search: `${n(4)}::text`, activationId: `${n(5)}::text`, strpos: 'strpos' });
};

const mapRow = (r: Record<string, unknown>): ClientRow => ({
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
});

const FILTER_PARAMS = ['host', 'application', 'state', 'vm', 'search', 'activationId'] as const;

export const latestClientsQuery = defineQuery<ClientRow>({
  name: 'latestClients',
  params: ['at', ...FILTER_PARAMS],
  sqlite: body(exactSource('@at'), SQLITE_FILTER),
  postgres: body(exactSource('$1'), PG_FILTER(2)),
  mapRow,
});

/** Named parameters of latestClientsQuery; absent filters are null. Text filters compare lower-case. */
export interface LatestClientsParams {
  [name: string]: unknown;
  at: number;
  host: string | null;
  application: string | null;
  state: number | null;
  vm: boolean | null;
  search: string | null;
  activationId: string | null;
}

export function latestClientsParams(at: number, filter: ClientFilter = {}): LatestClientsParams {
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
