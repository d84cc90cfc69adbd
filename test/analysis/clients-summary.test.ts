import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyClient, overviewBounds, summarizeClients, summarizeOverview } from '../../src/analysis/clients.js';
import { overviewOf } from '../../src/store/client-overview.js';
import type { ClientsReport } from '../../src/analysis/types.js';
import type { ClientRow } from '../../src/store/types.js';

const AT = Date.UTC(2026, 2, 1);
const DAY = 86_400_000;

/** The summary written straight from its definition: judge every client, then count and list. */
function reference(rows: readonly ClientRow[], at: number, expiringDays: number): ClientsReport {
  const clients = rows.map((r) => classifyClient(r, at, expiringDays));
  const counted = clients.filter((c) => !c.lapsed);
  const byState: Record<string, number> = {};
  for (const c of [...counted].sort((a, b) => a.licenseState - b.licenseState)) byState[c.state] = (byState[c.state] ?? 0) + 1;
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    total: clients.length,
    byState,
    overdueCount: counted.filter((c) => c.overdue).length,
    graceCount: counted.filter((c) => c.grace).length,
    notificationCount: counted.filter((c) => c.notification).length,
    // ties end on the client itself (CMID, application): the order does not depend on the store's
    expiring: clients.filter((c) => c.expiring).sort((a, b) => cmp(a.expiresAt ?? '', b.expiresAt ?? '') || cmp(a.machine, b.machine) || cmp(a.cmid, b.cmid) || cmp(a.application, b.application)),
    expiringDays,
    lapsed: clients.filter((c) => c.lapsed).sort((a, b) => cmp(b.lastSeen, a.lastSeen) || cmp(a.machine, b.machine) || cmp(a.cmid, b.cmid) || cmp(a.application, b.application)),
    lapsedCount: clients.filter((c) => c.lapsed).length,
  };
}

// times on and around the day edges (8 days overdue, 30 lapsed, expiry at the horizon)
const offset = fc.oneof(
  fc.integer({ min: -40 * DAY, max: 0 }),
  fc.constantFrom(0, -8 * DAY, -8 * DAY - 1, -30 * DAY, -30 * DAY - 1, -30 * DAY + 1),
);
const row = fc.record({
  cmid: fc.uuid(),
  application: fc.constantFrom('Windows' as const, 'Office' as const),
  machine: fc.constantFrom('PC-1', 'pc-2', 'SRV-A', 'b'),
  host: fc.constant('kms01'),
  activationId: fc.constant('2de67392-b7a7-462a-b1ca-108dd189f588'),
  productName: fc.constant('Windows 11 Pro'),
  licenseState: fc.integer({ min: 0, max: 8 }),
  minutesLeft: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 * 24 * 200 }), fc.constant(14 * 24 * 60)),
  isVm: fc.boolean(),
  result: fc.constant(0),
  minimumCount: fc.constant(25),
  lastSeen: offset.map((o) => AT + o),
  firstSeen: fc.constant(AT - 100 * DAY),
  requests: fc.integer({ min: 1, max: 9 }),
});

describe('summarizeClients', () => {
  it('equals judging every client with classifyClient and counting', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.constantFrom(0, 14, 30), (rows, days) => {
        expect(summarizeClients(rows, AT, days)).toEqual(reference(rows, AT, days));
      }),
      { numRuns: 300 },
    );
  });

  it('without the lapsed list: the same summary, the lapsed only counted', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.constantFrom(0, 14, 30), (rows, days) => {
        const summary = summarizeOverview(overviewOf(rows, { ...overviewBounds(AT, days), listLapsed: false }), AT, days);
        expect(summary).toEqual({ ...reference(rows, AT, days), lapsed: [] });
      }),
      { numRuns: 200 },
    );
  });
});
