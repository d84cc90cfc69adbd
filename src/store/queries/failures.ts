import type { FailureRow } from '../types.js';
import { defineQuery, num, str } from './query.js';

/**
 * docs/definitions.md "failure": non-zero results in (from, to], grouped per machine
 * (case-insensitive), CMID, host and result. The machine is shown as its smallest spelling.
 */
const body = (from: string, to: string) => `
    SELECT f.machine, f.cmid, h.host, f.result, f.requests, f.last_at
    FROM (
      SELECT MIN(machine) AS machine, machine_key, cmid, host_key, result,
             COUNT(*) AS requests, MAX(time) AS last_at
      FROM requests
      WHERE result <> 0 AND time > ${from} AND time <= ${to}
      GROUP BY machine_key, cmid, host_key, result
    ) f
    JOIN host_names h ON h.host_key = f.host_key
    ORDER BY f.requests DESC, f.last_at DESC, f.machine_key, f.cmid, f.result`;

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
