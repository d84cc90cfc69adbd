import { formatHresult, licenseStateName } from '../kms/codes.js';
import { overviewOf } from '../store/client-overview.js';
import type { ClientOverview, ClientOverviewBounds, ClientRow } from '../store/types.js';
import { DAY_MS, EXPIRING_DAYS, LAPSED_DAYS, OVERDUE_DAYS, iso } from './time.js';
import type { ClientReport, ClientsReport } from './types.js';

/** License states 2 OOB, 3 OOT, 4 non-genuine and 6 extended grace (kms-events.md §3.1). */
const GRACE_STATES = new Set([2, 3, 4, 6]);
const NOTIFICATION_STATE = 5;

/** One client's latest request, judged at `at` (definitions: expiry, overdue, lapsed, expiring). */
export function classifyClient(row: ClientRow, at: number, expiringDays = EXPIRING_DAYS): ClientReport {
  const silentFor = at - row.lastSeen;
  const lapsed = silentFor > LAPSED_DAYS * DAY_MS;
  const expiresAt = row.minutesLeft > 0 ? row.lastSeen + row.minutesLeft * 60_000 : null;
  return {
    cmid: row.cmid,
    application: row.application,
    machine: row.machine,
    host: row.host,
    activationId: row.activationId,
    product: row.productName,
    licenseState: row.licenseState,
    state: licenseStateName(row.licenseState),
    isVm: row.isVm,
    result: formatHresult(row.result),
    minutesLeft: row.minutesLeft,
    firstSeen: iso(row.firstSeen),
    lastSeen: iso(row.lastSeen),
    requests: row.requests,
    expiresAt: expiresAt === null ? null : iso(expiresAt),
    overdue: !lapsed && silentFor > OVERDUE_DAYS * DAY_MS,
    lapsed,
    expiring: !lapsed && expiresAt !== null && expiresAt <= at + expiringDays * DAY_MS,
    grace: GRACE_STATES.has(row.licenseState),
    notification: row.licenseState === NOTIFICATION_STATE,
  };
}

/** The bounds of classifyClient's judgements at `at`: silentFor > N days  <=>  lastSeen < at - N days. */
export function overviewBounds(at: number, expiringDays = EXPIRING_DAYS): ClientOverviewBounds {
  return { lapsedBefore: at - LAPSED_DAYS * DAY_MS, overdueBefore: at - OVERDUE_DAYS * DAY_MS, expiringBy: at + expiringDays * DAY_MS };
}

/**
 * Counts and lists over every client. Only the listed clients (expiring, lapsed) become full
 * ClientReport objects: a big store has hundreds of thousands of clients and building (and
 * formatting the times of) each one cost most of the report's own CPU. The judgement is the same
 * as classifyClient's; the lists are built with it.
 */
export function summarizeClients(rows: readonly ClientRow[], at: number, expiringDays = EXPIRING_DAYS): ClientsReport {
  return summarizeOverview(overviewOf(rows, overviewBounds(at, expiringDays)), at, expiringDays);
}

/** summarizeClients from a store's clientOverview (the same bounds). */
export function summarizeOverview(overview: ClientOverview, at: number, expiringDays = EXPIRING_DAYS): ClientsReport {
  const byState: Record<string, number> = {};
  let overdueCount = 0;
  let graceCount = 0;
  let notificationCount = 0;
  let total = overview.lapsedCount;
  for (const s of [...overview.states].sort((a, b) => a.licenseState - b.licenseState)) {
    const name = licenseStateName(s.licenseState);
    byState[name] = (byState[name] ?? 0) + s.clients;
    total += s.clients;
    overdueCount += s.overdue;
    if (GRACE_STATES.has(s.licenseState)) graceCount += s.clients;
    if (s.licenseState === NOTIFICATION_STATE) notificationCount += s.clients;
  }
  const expiring = overview.expiring.map((r) => classifyClient(r, at, expiringDays));
  const lapsed = overview.lapsed.map((r) => classifyClient(r, at, expiringDays));
  return {
    total,
    byState,
    overdueCount,
    graceCount,
    notificationCount,
    expiring: expiring.sort((a, b) => cmp(a.expiresAt ?? '', b.expiresAt ?? '') || cmp(a.machine, b.machine) || byClient(a, b)),
    expiringDays,
    lapsedCount: overview.lapsedCount,
    lapsed: lapsed.sort((a, b) => cmp(b.lastSeen, a.lastSeen) || cmp(a.machine, b.machine) || byClient(a, b)),
  };
}

/** Last tie-breaker of the lists: a client is one (CMID, application). */
function byClient(a: ClientReport, b: ClientReport): number {
  return cmp(a.cmid, b.cmid) || cmp(a.application, b.application);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
