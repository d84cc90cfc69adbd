import type { RequestRow } from '../types.js';
import { bool, defineQuery, num, numOrNull, str } from './query.js';

/** Requests of one client (CMID, compared lower-case), newest first. */
const body = (cmid: string, limit: string) => `
    SELECT host, record_id, time, result_hex, machine, cmid, license_state, minutes_left,
           activation_id, product_name, is_vm, minimum_count, source
    FROM requests WHERE cmid = ${cmid}
    ORDER BY time DESC, id DESC
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
