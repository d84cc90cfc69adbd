/**
 * GET /api/overview's `discovery` and `clientSide` (issue 27): what the dashboard's first screen
 * needs from the report's two sections, cut to a size the first screen can carry. Built from
 * hand-made report values (test/report/discovery-fixture.ts); the expected numbers are the
 * fixture's, counted by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/analysis/types.js';
import { OVERVIEW_UNANSWERED, overviewFromReport } from '../../src/web/overview.js';
import { HOSTILE_MACHINE, clientSide, discoveryCheck, emptyReport, noClientEvents, unansweredClients } from '../report/discovery-fixture.js';

describe('overview: discovery', () => {
  it('is null when no check is stored', () => {
    expect(overviewFromReport(emptyReport(), null).discovery).toBeNull();
  });

  it('carries the check, its domains whole and the findings worst first', () => {
    const d = overviewFromReport(emptyReport({ discovery: discoveryCheck() }), null).discovery!;
    expect(d.checkedAt).toBe('2026-12-07T10:00:00.000Z');
    expect(d.seenFrom).toBe('mon01');
    expect(d.domains.map((x) => [x.domain, x.status, x.records.length])).toEqual([['contoso.com', 'found', 2], ['fabrikam.com', 'no-record', 0], ['corp.local', 'failed', 0]]);
    // the fixture lists warning, critical, info
    expect(d.findings.map((f) => [f.severity, f.kind])).toEqual([['critical', 'rogue-host'], ['warning', 'missing-record'], ['info', 'lookup-failed']]);
    expect(d.findings[0]).toMatchObject({ clients: [HOSTILE_MACHINE], clientCount: 1, remedy: expect.stringContaining('discover.knownHosts') });
  });
});

describe("overview: clients' side", () => {
  it('says client events are not collected when the window has none', () => {
    expect(overviewFromReport(emptyReport({ clientSide: noClientEvents() }), null).clientSide).toMatchObject({ collected: false, unansweredCount: 0, unanswered: [] });
  });

  it('reads a report from before issue 27 (no clientSide) as not collected', () => {
    const old = emptyReport() as Partial<Report>;
    delete old.clientSide;
    delete old.discovery;
    const o = overviewFromReport(old as Report, null);
    expect(o.discovery).toBeNull();
    expect(o.clientSide.collected).toBe(false);
  });

  it('counts requests and answers, keeps the hosts without their client lists and the differing counts only', () => {
    const c = overviewFromReport(emptyReport({ clientSide: clientSide() }), null).clientSide;
    expect(c).toMatchObject({ collected: true, requestsSent: 40, responses: 30, machines: 25, pairingWindowMinutes: 10, unansweredCount: 14 });
    expect(c.hosts.map((h) => [h.name, h.status, h.machines, h.answered])).toEqual([['kms01.contoso.com', 'collected', 12, 24], ['kms02.contoso.com', 'rogue', 13, 0]]);
    expect(c.hosts.every((h) => !('clients' in h))).toBe(true);
    // Windows 30 vs 27 differs; Office 7 = 7 does not
    expect(c.countsDiffering.map((r) => [r.application, r.difference])).toEqual([['Windows', 3]]);
    // a finding naming 13 clients travels with the first 10 and the count
    expect(c.findings[0].clients).toEqual(['PC-001', 'PC-002', 'PC-003', 'PC-004', 'PC-005', 'PC-006', 'PC-007', 'PC-008', 'PC-009', 'PC-010']);
    expect(c.findings[0].clientCount).toBe(13);
  });

  it('cuts the unanswered list, keeping the whole count', () => {
    const many = { ...clientSide(), unanswered: unansweredClients(OVERVIEW_UNANSWERED + 25) };
    const c = overviewFromReport(emptyReport({ clientSide: many }), null).clientSide;
    expect(c.unansweredCount).toBe(75); // 50 + 25
    expect(c.unanswered).toHaveLength(50);
    expect(c.unanswered[49].machine).toBe('PC-050');
  });
});
