import { formatHresult, licenseStateName } from '../kms/codes.js';
import type { ClientRow } from '../store/types.js';
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

export function summarizeClients(rows: readonly ClientRow[], at: number, expiringDays = EXPIRING_DAYS): ClientsReport {
  const clients = rows.map((r) => classifyClient(r, at, expiringDays));
  const counted = clients.filter((c) => !c.lapsed);
  const byState: Record<string, number> = {};
  for (const c of [...counted].sort((a, b) => a.licenseState - b.licenseState)) byState[c.state] = (byState[c.state] ?? 0) + 1;
  return {
    total: clients.length,
    byState,
    overdueCount: counted.filter((c) => c.overdue).length,
    graceCount: counted.filter((c) => c.grace).length,
    notificationCount: counted.filter((c) => c.notification).length,
    expiring: clients.filter((c) => c.expiring).sort((a, b) => cmp(a.expiresAt ?? '', b.expiresAt ?? '') || cmp(a.machine, b.machine)),
    expiringDays,
    lapsed: clients.filter((c) => c.lapsed).sort((a, b) => cmp(b.lastSeen, a.lastSeen) || cmp(a.machine, b.machine)),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
