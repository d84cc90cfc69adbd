import type { RequestRow } from '../types.js';
import { cmidRows, hostJoin, latestOrder, recordIdOf } from './names.js';
import { bool, defineQuery, num, numOrNull, str } from './query.js';

/**
 * Requests of one client (CMID, compared lower-case), newest first; hosts by display name.
 * `rows` finds them through requests_cmid_bucket.
 */
const body = (cmid: string, limit: string, rows: string) => `
    SELECT h.host, ${recordIdOf('r')} AS record_id, r.time, rh.value AS result_hex, m.value AS machine, c.value AS cmid,
           r.license_state, r.minutes_left, p.activation_id, p.name AS product_name, r.is_vm, r.minimum_count,
           src.value AS source
    FROM strings c
    JOIN requests r ON ${rows}
    JOIN strings rh ON rh.id = r.result_hex_id
    JOIN strings m ON m.id = r.machine_id
    JOIN strings src ON src.id = r.source_id
    JOIN products p ON p.id = r.product_id
    ${hostJoin('r.host_id')}
    WHERE c.value = ${cmid}
    ORDER BY ${latestOrder('r')}
    LIMIT ${limit}`;

export const clientRequestsQuery = defineQuery<RequestRow>({
  name: 'clientRequests',
  params: ['cmid', 'limit'],
  sqlite: body('@cmid', '@limit', cmidRows.sqlite('r', '= c.id')),
  postgres: body('$1', '$2', cmidRows.postgres('r', '= c.id')),
  mapRow: (r) => ({
    host: str(r.host),
    recordId: numOrNull(r.record_id),
    time: num(r.time),
    resultHex: str(r.result_hex),
    machine: str(r.machine),
    cmid: str(r.cmid),
    licenseState: num(r.license_state),
    minutesLeft: num(r.minutes_left),
    activationId: str(r.activation_id),
    productName: str(r.product_name),
    isVm: bool(r.is_vm),
    minimumCount: num(r.minimum_count),
    source: str(r.source),
  }),
});
