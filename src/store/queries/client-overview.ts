import type { ClientOverview, ClientOverviewBounds } from '../types.js';
import { latestClientsParams } from './latest-clients.js';
import { latestFromSummary, type SummaryLookups } from './latest-clients-summary.js';
import { application, num, str } from './query.js';

/**
 * Store.clientOverview from client_summary (valid when it covers `at`, see freshness.ts), in two
 * steps: this SQL reads each client's latest summary row per application (the rows marked
 * `newest`, queries/summary.ts): counted per license state and whether the client is lapsed, then
 * the (CMID, application) of each expiring client and, when listLapsed is 1, each lapsed one
 * (rows with a cmid_id). The listed clients' rows are then built by latestFromSummary from their
 * own summary rows. Thresholds: types.ts ClientOverviewBounds.
 */
const body = (p: { lapsedBefore: string; overdueBefore: string; expiringBy: string; listLapsed: string }) => `
    SELECT s.license_state, CASE WHEN s.last_seen < ${p.lapsedBefore} THEN 1 ELSE 0 END AS lapsed,
           COUNT(*) AS clients, SUM(CASE WHEN s.last_seen < ${p.overdueBefore} THEN 1 ELSE 0 END) AS overdue,
           NULL AS cmid_id, NULL AS application
    FROM client_summary s
    WHERE s.newest = 1
    GROUP BY 1, 2
    UNION ALL
    SELECT NULL, NULL, NULL, NULL, s.cmid_id, p.application
    FROM client_summary s JOIN products p ON p.id = s.product_id
    WHERE s.newest = 1
      AND ((s.last_seen < ${p.lapsedBefore} AND ${p.listLapsed} = 1)
        OR (s.last_seen >= ${p.lapsedBefore} AND s.minutes_left > 0 AND s.last_seen + s.minutes_left * 60000 <= ${p.expiringBy}))`;

export const clientOverviewSql = {
  name: 'clientOverview',
  params: ['lapsedBefore', 'overdueBefore', 'expiringBy', 'listLapsed'],
  sqlite: body({ lapsedBefore: '@lapsedBefore', overdueBefore: '@overdueBefore', expiringBy: '@expiringBy', listLapsed: '@listLapsed' }),
  postgres: body({ lapsedBefore: '$1', overdueBefore: '$2', expiringBy: '$3', listLapsed: '$4::int' }),
} as const;

/** The summary rows (SUMMARY_ROW_COLUMNS of latest-clients-summary.ts) of some CMIDs, by cmid_id. */
const rowsOf = (ids: string) => `
    SELECT s.cmid_id, c.value AS cmid, s.product_id, s.host_id, m.value AS machine, s.last_seen, s.last_rec, s.last_id,
           s.license_state, s.minutes_left, s.is_vm, s.result, s.minimum_count, s.first_seen, s.requests
    FROM client_summary s
    JOIN strings c ON c.id = s.cmid_id
    JOIN strings m ON m.id = s.machine_id
    WHERE s.cmid_id IN ${ids}
    ORDER BY s.cmid_id`;

export const overviewRowsSql = {
  sqlite: rowsOf('(SELECT value FROM json_each(@ids))'),
  postgres: rowsOf('(SELECT unnest($1::bigint[]))'),
} as const;

export interface OverviewScan {
  states: { licenseState: number; clients: number; overdue: number }[];
  lapsedCount: number;
  /** "cmidId:application" of the lapsed and expiring clients. */
  listed: Set<string>;
  cmidIds: number[];
}

export function readOverviewScan(rows: readonly Record<string, unknown>[]): OverviewScan {
  const scan: OverviewScan = { states: [], lapsedCount: 0, listed: new Set(), cmidIds: [] };
  const states = new Map<number, OverviewScan['states'][number]>();
  const ids = new Set<number>();
  for (const r of rows) {
    if (r.cmid_id !== null) {
      const id = num(r.cmid_id);
      scan.listed.add(`${id}:${application(r.application)}`);
      ids.add(id);
    } else if (num(r.lapsed) === 1) {
      scan.lapsedCount += num(r.clients);
    } else {
      const licenseState = num(r.license_state);
      states.set(licenseState, { licenseState, clients: num(r.clients), overdue: num(r.overdue) });
    }
  }
  // in license state order, as overviewOf gives them
  scan.states = [...states.values()].sort((a, b) => a.licenseState - b.licenseState);
  scan.cmidIds = [...ids];
  return scan;
}

/** The overview from the scan and the listed CMIDs' summary rows (overviewRowsSql, as arrays). */
export function overviewFromRows(scan: OverviewScan, rows: readonly unknown[][], lookups: SummaryLookups, at: number, bounds: ClientOverviewBounds): ClientOverview {
  const cmidText = new Map<number, string>();
  for (const r of rows) cmidText.set(num(r[0]), str(r[1]));
  const listed = new Set([...scan.listed].map((k) => {
    const colon = k.indexOf(':');
    return `${cmidText.get(Number(k.slice(0, colon)))}:${k.slice(colon + 1)}`;
  }));
  const overview: ClientOverview = { states: scan.states, lapsed: [], lapsedCount: scan.lapsedCount, expiring: [] };
  for (const c of latestFromSummary(rows, lookups, latestClientsParams(at))) {
    if (!listed.has(`${c.cmid}:${c.application}`)) continue;
    if (c.lastSeen < bounds.lapsedBefore) overview.lapsed.push(c);
    else overview.expiring.push(c);
  }
  return overview;
}
