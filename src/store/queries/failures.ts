import type { FailureRow } from '../types.js';
import { hostJoin } from './names.js';
import { defineQuery, num, str } from './query.js';

/**
 * docs/definitions.md "failure": non-zero results in (from, to], grouped per machine
 * (case-insensitive), CMID, host and result. The machine is shown as its smallest spelling, the
 * product as the first by name of those the failed requests asked for (a CMID asks for one).
 * Reads the few failed requests through requests_failed_time (PostgreSQL: the covering
 * requests_failed_time_covering of migration 0600).
 */
const body = (from: string, to: string) => `
    SELECT f.machine, f.cmid, h.host, f.result, f.requests, f.last_at, f.product
    FROM (
      -- grouped once more by spelling first, so only the few spellings are looked up (not every
      -- failed request). Names are looked up row by row (scalar subqueries): PostgreSQL, unable
      -- to tell how few the failures are, hashed the whole strings table for a join (≈ 0.16 s at
      -- 400 k strings)
      SELECT MIN(g.machine) AS machine, MIN(g.product) AS product, g.machine_key_id, g.cmid_id, g.host_id, g.result,
             SUM(g.n) AS requests, MAX(g.last_at) AS last_at,
             (SELECT c.value FROM strings c WHERE c.id = g.cmid_id) AS cmid,
             (SELECT mk.value FROM strings mk WHERE mk.id = g.machine_key_id) AS machine_key
      FROM (
        SELECT r.*, (SELECT m.value FROM strings m WHERE m.id = r.machine_id) AS machine,
               (SELECT p.name FROM products p WHERE p.id = r.product_id) AS product
        FROM (
          SELECT r.machine_id, r.machine_key_id, r.cmid_id, r.host_id, r.result, r.product_id, COUNT(*) AS n, MAX(r.time) AS last_at
          FROM requests r
          WHERE r.result <> 0 AND r.time > ${from} AND r.time <= ${to}
          GROUP BY r.machine_id, r.machine_key_id, r.cmid_id, r.host_id, r.result, r.product_id
        ) r
      ) g
      GROUP BY g.machine_key_id, g.cmid_id, g.host_id, g.result
    ) f
    ${hostJoin('f.host_id')}
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
    productName: str(r.product),
  }),
});
