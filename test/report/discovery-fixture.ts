/**
 * Hand-built Report values for the discovery and clients' side sections (issue 27), until
 * src/analysis/report.ts fills them: an empty report, one discovery check with a record of each
 * kind (a collected host, a rogue target, a domain without a record, a failed lookup) and a
 * clients' side with 13 unanswered clients. Names carry terminal controls to prove the escaping.
 */
import type { ClientSideReport, DiscoveryReport, Report, UnansweredClient } from '../../src/analysis/types.js';

export const AT = '2026-12-07T12:00:00.000Z';
export const CHECKED_AT = '2026-12-07T10:00:00.000Z';
/** An SRV target that tries to colour the terminal red. */
export const HOSTILE_TARGET = 'evil\u001b[31m.example.test';
/** A machine name that would read backwards after U+202E. */
export const HOSTILE_MACHINE = 'PC-\u202eEVIL';

export function emptyReport(overrides: Partial<Report> = {}): Report {
  return {
    at: AT,
    timezone: 'UTC',
    idleHours: 24,
    window: { from: '2026-11-07T12:00:00.000Z', to: AT, days: 30 },
    totals: { requests: 0, clients: 0, machines: 0, hosts: 0, anomalies: 0 },
    hosts: [],
    clones: [],
    failures: [],
    clients: { total: 0, byState: {}, overdueCount: 0, graceCount: 0, notificationCount: 0, expiring: [], expiringDays: 7, lapsed: [], lapsedCount: 0 },
    products: [],
    anomalies: [],
    anomalyLimit: 100,
    logClears: [],
    damaged: { requests: 0, events: 0, chunks: [] },
    health: [],
    newestEventAt: null,
    stale: null,
    discovery: null,
    clientSide: noClientEvents(),
    ...overrides,
  };
}

export function noClientEvents(): ClientSideReport {
  return { requestsSent: 0, responses: 0, machines: 0, pairingWindowMinutes: 10, unanswered: [], hosts: [], reportedCounts: [], findings: [] };
}

/**
 * contoso.com: two records at priority 0, weights 30 and 10 (shares 0.75 and 0.25 by hand: 30/40,
 * 10/40): kms01 (collected, reachable) and a rogue target whose address timed out. fabrikam.com:
 * NXDOMAIN. corp.local: the DNS server timed out (a failed check, not "no record"). The findings
 * are listed warning, critical, info: the renderers must put the critical one first.
 */
export function discoveryCheck(): DiscoveryReport {
  return {
    checkedAt: CHECKED_AT,
    seenFrom: 'mon01',
    note: "Seen from mon01, not from a client's network: a firewall between the clients and a host is not seen here.",
    dnsServers: ['10.0.0.1:53'],
    timeoutMs: 2000,
    domains: [
      {
        domain: 'contoso.com',
        name: '_vlmcs._tcp.contoso.com',
        dnsServer: '10.0.0.1:53',
        status: 'found',
        detail: null,
        failure: null,
        tookMs: 12,
        records: [
          {
            target: 'kms01.contoso.com', port: 1688, priority: 0, weight: 30, ttl: 3600, share: 0.75, host: 'KMS01.contoso.com', status: 'collected', cnames: [],
            resolveStatus: 'resolved', resolveDetail: null,
            addresses: [{ address: '10.0.0.5', port: 1688, status: 'reachable', tookMs: 3, error: null }],
          },
          {
            target: HOSTILE_TARGET, port: 1688, priority: 0, weight: 10, ttl: 600, share: 0.25, host: null, status: 'rogue', cnames: [],
            resolveStatus: 'resolved', resolveDetail: null,
            addresses: [{ address: '203.0.113.9', port: 1688, status: 'timeout', tookMs: 2000, error: 'ETIMEDOUT' }],
          },
        ],
      },
      { domain: 'fabrikam.com', name: '_vlmcs._tcp.fabrikam.com', dnsServer: '10.0.0.1:53', status: 'no-record', detail: 'NXDOMAIN', failure: null, tookMs: 8, records: [] },
      { domain: 'corp.local', name: '_vlmcs._tcp.corp.local', dnsServer: '10.0.0.1:53', status: 'failed', detail: 'timed out after 2000 ms', failure: 'timeout', tookMs: 2000, records: [] },
    ],
    findings: [
      { kind: 'missing-record', severity: 'warning', host: null, domain: 'fabrikam.com', text: 'fabrikam.com publishes no _vlmcs._tcp record.', remedy: 'Publish the SRV record or set the KMS host on the clients (slmgr /skms).', clients: [] },
      { kind: 'rogue-host', severity: 'critical', host: HOSTILE_TARGET, domain: 'contoso.com', text: 'contoso.com publishes a KMS host kmswatch does not know.', remedy: 'Remove the record unless the host is yours; then list it in discover.knownHosts.', clients: [HOSTILE_MACHINE] },
      { kind: 'lookup-failed', severity: 'info', host: null, domain: 'corp.local', text: 'The lookup of corp.local timed out.', remedy: 'Check the DNS server given with discover.dnsServers.', clients: [] },
    ],
  };
}

/** PC-001 … PC-013: 13 clients whose requests to kms02.contoso.com:1688 went unanswered. */
export function unansweredClients(n = 13): UnansweredClient[] {
  return Array.from({ length: n }, (_, i) => ({
    machine: `PC-${String(i + 1).padStart(3, '0')}`,
    hostTried: 'kms02.contoso.com:1688',
    host: null,
    reason: 'no-response' as const,
    result: '0x0',
    lastAt: '2026-12-07T09:00:00.000Z',
    attempts: 2,
  }));
}

export function clientSide(): ClientSideReport {
  return {
    requestsSent: 40,
    responses: 30,
    machines: 25,
    pairingWindowMinutes: 10,
    unanswered: [
      ...unansweredClients(),
      { machine: 'LAPTOP-9', hostTried: null, host: null, reason: 'not-contacted', result: '0xC004F074', lastAt: '2026-12-07T08:00:00.000Z', attempts: 1 },
    ],
    hosts: [
      { name: 'kms01.contoso.com', port: 1688, host: 'KMS01.contoso.com', status: 'collected', machines: 12, requests: 24, answered: 24, lastAt: '2026-12-07T11:00:00.000Z', clients: [] },
      { name: 'kms02.contoso.com', port: 1688, host: null, status: 'rogue', machines: 13, requests: 26, answered: 0, lastAt: '2026-12-07T09:00:00.000Z', clients: [] },
    ],
    reportedCounts: [
      { host: 'KMS01.contoso.com', application: 'Windows', minimumCount: 25, reportedAt: '2026-12-07T11:00:00.000Z', machine: 'PC-100', reported: 30, computed: 27, difference: 3, partial: false },
      { host: 'KMS01.contoso.com', application: 'Office', minimumCount: 5, reportedAt: '2026-12-07T11:00:00.000Z', machine: 'PC-101', reported: 7, computed: 7, difference: 0, partial: false },
    ],
    findings: [
      { kind: 'unanswered-clients', severity: 'warning', host: 'kms02.contoso.com', domain: null, text: '13 clients got no answer from kms02.contoso.com.', remedy: 'Check that the KMS service runs on kms02 and TCP 1688 is open.', clients: unansweredClients().map((c) => c.machine) },
    ],
  };
}
