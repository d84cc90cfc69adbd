import type { ClientSuccessRow } from '../types.js';
import { hostJoin } from './names.js';
import { application, defineQuery, num, str } from './query.js';

/**
 * The newest success (result 0x0) of some clients per application, host and minimum count, from
 * client_summary's last_ok (kept at every commit): one index seek per CMID (the table's key starts
 * with cmid_id) instead of reading each client's requests. `cmids`: a JSON array of lower-case CMIDs.
 */
const body = (cmids: string) => `
    SELECT c.value AS cmid, p.application, h.host, s.minimum_count, MAX(s.last_ok) AS last_ok
    FROM ${cmids} k
    JOIN strings c ON c.value = k.cmid
    JOIN client_summary s ON s.cmid_id = c.id
    JOIN products p ON p.id = s.product_id
    ${hostJoin('s.host_id')}
    WHERE s.last_ok IS NOT NULL
    GROUP BY c.value, p.application, h.host, s.minimum_count`;

export const clientSuccessesQuery = defineQuery<ClientSuccessRow>({
  name: 'clientSuccesses',
  params: ['cmids'],
  sqlite: body(`(SELECT DISTINCT value AS cmid FROM json_each(@cmids))`),
  postgres: body(`(SELECT DISTINCT value AS cmid FROM jsonb_array_elements_text($1::jsonb))`),
  mapRow: (r) => ({
    cmid: str(r.cmid),
    application: application(r.application),
    host: str(r.host),
    minimumCount: num(r.minimum_count),
    lastOk: num(r.last_ok),
  }),
});
