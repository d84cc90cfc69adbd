import type { TotalsRow } from '../types.js';
import { defineQuery, num } from './query.js';

/** docs/definitions.md "totals": over requests with time <= at; anomalies with time <= at. */
export const totalsQuery = defineQuery<TotalsRow>({
  name: 'totals',
  params: ['at'],
  sqlite: `
    SELECT COUNT(*) AS requests, COUNT(DISTINCT cmid) AS clients,
           COUNT(DISTINCT machine_key) AS machines, COUNT(DISTINCT host_key) AS hosts,
           (SELECT COUNT(*) FROM anomalies WHERE time <= @at) AS anomalies
    FROM requests WHERE time <= @at`,
  postgres: `
    SELECT COUNT(*) AS requests, COUNT(DISTINCT cmid) AS clients,
           COUNT(DISTINCT machine_key) AS machines, COUNT(DISTINCT host_key) AS hosts,
           (SELECT COUNT(*) FROM anomalies WHERE time <= $1) AS anomalies
    FROM requests WHERE time <= $1`,
  mapRow: (r) => ({
    requests: num(r.requests),
    clients: num(r.clients),
    machines: num(r.machines),
    hosts: num(r.hosts),
    anomalies: num(r.anomalies),
  }),
});
