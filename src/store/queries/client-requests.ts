import type { RequestRow } from '../types.js';
import { bool, defineQuery, num, numOrNull, str } from './query.js';

/** Requests of one client (CMID, compared lower-case), newest first; hosts by display name. */
const body = (cmid: string, limit: string) => `
    SELECT h.host, r.record_id, r.time, r.result_hex, r.machine, r.cmid, r.license_state, r.minutes_left,
           r.activation_id, r.product_name, r.is_vm, r.minimum_count, r.source
    FROM requests r JOIN host_names h ON h.host_key = r.host_key
    WHERE r.cmid = ${cmid}
    ORDER BY r.time DESC, r.id DESC
    LIMIT ${limit}`;

export const clientRequestsQuery = defineQuery<RequestRow>({
  name: 'clientRequests',
  params: ['cmid', 'limit'],
  sqlite: body('@cmid', '@limit'),
  postgres: body('$1', '$2'),
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
