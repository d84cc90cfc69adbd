import type { TotalsRow } from '../types.js';
import { afterAt } from './names.js';
import { defineQuery, num } from './query.js';

/**
 * docs/definitions.md "totals": over requests with time <= at; anomalies with time <= at.
 * `totalsQuery` reads the requests; `totalsSummaryQuery` the summaries (see freshness.ts).
 */
// each count its own scan: SQLite counts the distinct CMIDs and machines in index order
// (client_summary's key; client_summary_machine, migration 1900) instead of sorting 200 k rows for
// each; the hosts with requests are request_hosts' rows
const summary = (at: string) => `
    SELECT (SELECT COALESCE(SUM(requests), 0) FROM request_hosts) AS requests,
           (SELECT COUNT(DISTINCT cmid_id) FROM client_summary) AS clients,
           (SELECT COUNT(DISTINCT machine_key_id) FROM client_summary) AS machines,
           (SELECT COUNT(*) FROM request_hosts) AS hosts,
           (SELECT COUNT(*) FROM anomalies WHERE time <= ${at}) AS anomalies`;

/**
 * Past form (the summaries cover more than `at`, see freshness.ts): requests = all stored − those
 * after `at`; a CMID, machine or host has a request up to `at` exactly when one of its summary
 * rows has its first request there.
 */
const past = (at: string, atSecond: string) => `
    SELECT (SELECT COALESCE(SUM(requests), 0) FROM request_hosts)
             - (SELECT COUNT(*) FROM requests r WHERE ${afterAt('r', atSecond, at)}) AS requests,
           COUNT(DISTINCT cmid_id) AS clients, COUNT(DISTINCT machine_key_id) AS machines, COUNT(DISTINCT host_id) AS hosts,
           (SELECT COUNT(*) FROM anomalies WHERE time <= ${at}) AS anomalies
    FROM client_summary WHERE first_seen <= ${at}`;

const mapRow = (r: Record<string, unknown>): TotalsRow => ({
  requests: num(r.requests),
  clients: num(r.clients),
  machines: num(r.machines),
  hosts: num(r.hosts),
  anomalies: num(r.anomalies),
});

export const totalsSummaryQuery = defineQuery<TotalsRow>({ name: 'totalsSummary', params: ['at'], sqlite: summary('@at'), postgres: summary('$1'), mapRow });
export const totalsPastQuery = defineQuery<TotalsRow>({ name: 'totalsPast', params: ['at', 'atSecond'], sqlite: past('@at', '@atSecond'), postgres: past('$1', '$2'), mapRow });
