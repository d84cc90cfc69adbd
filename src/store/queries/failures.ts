import type { FailureRow } from '../types.js';
import { hostJoin } from './names.js';
import { defineQuery, num, str } from './query.js';

/**
 * docs/definitions.md "failure": non-zero results in (from, to], grouped per machine
 * (case-insensitive), CMID, host and result. The machine is shown as its smallest spelling.
 * Reads the few failed requests through requests_failed_time (PostgreSQL: the covering
 * requests_failed_time_covering of migration 0600).
 */
const body = (from: string, to: string) => `
    SELECT f.machine, c.value AS cmid, h.host, f.result, f.requests, f.last_at
    FROM (
      -- grouped once more by spelling first, so only the few spellings are looked up (not every
      -- failed request: a join of each with strings read the whole table on PostgreSQL)
      SELECT MIN(m.value) AS machine, g.machine_key_id, g.cmid_id, g.host_id, g.result,
             SUM(g.n) AS requests, MAX(g.last_at) AS last_at
      FROM (
        SELECT r.machine_id, r.machine_key_id, r.cmid_id, r.host_id, r.result, COUNT(*) AS n, MAX(r.time) AS last_at
        FROM requests r
        WHERE r.result <> 0 AND r.time > ${from} AND r.time <= ${to}
        GROUP BY r.machine_id, r.machine_key_id, r.cmid_id, r.host_id, r.result
      ) g JOIN strings m ON m.id = g.machine_id
      GROUP BY g.machine_key_id, g.cmid_id, g.host_id, g.result
    ) f
    JOIN strings c ON c.id = f.cmid_id
    JOIN strings mk ON mk.id = f.machine_key_id
    ${hostJoin('f.host_id')}
    ORDER BY f.requests DESC, f.last_at DESC, mk.value, c.value, f.result`;

export const failuresQuery = defineQuery<FailureRow>({
  name: 'failures',
  params: ['from', 'to'],
  sqlite: body('@from', '@to'),
  postgres: body('$1', '$2'),
  mapRow: (r) => ({
    machine: str(r.machine),
    cmid: str(r.cmid),
    host: str(r.host),
    result: num(r.result),
    requests: num(r.requests),
    lastAt: num(r.last_at),
  }),
});
