import { describe, expect, it } from 'vitest';
import { describeDiscovery, srvShares, type DiscoveryInputs } from '../../src/analysis/discovery.js';
import { createHostMatcher } from '../../src/analysis/kms-host-match.js';
import { buildReport } from '../../src/analysis/report.js';
import type { AddressCheck, DiscoveryCheck, SrvLookup, SrvTargetCheck } from '../../src/discover/index.js';
import { APPLICATION_CHANNEL, type KmsClientEvent } from '../../src/kms/types.js';
import { openStore } from '../../src/store/index.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { HostEventCountRow, Store } from '../../src/store/types.js';
import { AT, DAY, HOUR, MINUTE, hostEvent, request } from './fleet.js';

const C = AT - 2 * HOUR;

function address(a: string, status: AddressCheck['status'] = 'reachable'): AddressCheck {
  return { address: a, family: a.includes(':') ? 6 : 4, port: 1688, status, tookMs: 2, error: status === 'reachable' ? null : status === 'refused' ? 'ECONNREFUSED' : null };
}

function record(target: string, priority: number, weight: number, addresses: AddressCheck[], resolveStatus: SrvTargetCheck['resolveStatus'] = 'resolved'): SrvTargetCheck {
  return { target, port: 1688, priority, weight, ttl: 900, cnames: [], resolveStatus, resolveDetail: resolveStatus === 'resolved' ? null : resolveStatus === 'failed' ? 'timed out after 2000 ms' : 'NXDOMAIN', addresses };
}

function lookup(domain: string, status: SrvLookup['status'], records: SrvTargetCheck[] = []): SrvLookup {
  return {
    domain, name: `_vlmcs._tcp.${domain}`, dnsServer: '10.0.0.53:53', status,
    detail: status === 'found' ? null : status === 'failed' ? 'timed out after 2000 ms' : 'NXDOMAIN',
    failure: status === 'failed' ? 'timeout' : null, records, tookMs: 4,
  };
}

const check: DiscoveryCheck = {
  checkedAt: C, seenFrom: 'admin01.corp.contoso.com', dnsServers: ['10.0.0.53:53'], timeoutMs: 2000,
  domains: [
    lookup('corp.contoso.com', 'found', [
      record('kms01.corp.contoso.com', 0, 10, [address('10.0.0.1')]),
      record('kms02.corp.contoso.com', 0, 90, [address('10.0.0.2')]),
      record('kms04.corp.contoso.com', 10, 0, [address('10.0.0.4', 'refused'), address('fe80::4', 'timeout')]),
      record('rogue.corp.contoso.com', 10, 0, [], 'no-address'),
    ]),
    lookup('branch.contoso.com', 'no-record'),
    lookup('lab.contoso.com', 'no-record'),
    lookup('dmz.contoso.com', 'failed'),
    lookup('edge.contoso.com', 'found', [
      record('kms01.corp.contoso.com', 0, 0, [address('10.0.0.1', 'timeout')]),
      record('kms04.corp.contoso.com', 0, 0, [], 'failed'),
    ]),
  ],
};

const activityAtCheck = [
  { host: 'kms01.corp.contoso.com', requests: 10, firstRequestAt: C - 5 * DAY, lastRequestAt: C - HOUR },
  { host: 'kms02.corp.contoso.com', requests: 10, firstRequestAt: C - 5 * DAY, lastRequestAt: C - 30 * HOUR },
  { host: 'kms03.corp.contoso.com', requests: 10, firstRequestAt: C - 5 * DAY, lastRequestAt: C - 2 * HOUR },
  { host: 'kms05.branch.contoso.com', requests: 10, firstRequestAt: C - 5 * DAY, lastRequestAt: C - 48 * HOUR },
];

const dnsFailure = (host: string, lastAt: number): HostEventCountRow => ({ host, type: 'dns-publish-failed', count: 3, lastAt, lastResultHex: '0x8007232A', lastDomain: 'branch.contoso.com' });

function inputs(over: Partial<DiscoveryInputs> = {}): DiscoveryInputs {
  return {
    check,
    matcher: createHostMatcher({ collected: activityAtCheck.map((a) => a.host), known: ['kms04.corp.contoso.com'], check }),
    idleHours: 24,
    activityAtCheck,
    // kms05 failed 2 days before the check (named); kms09 8 days before (outside the 7 days)
    hostEventsAtCheck: [dnsFailure('kms05.branch.contoso.com', C - 2 * DAY), dnsFailure('kms09.branch.contoso.com', C - 8 * DAY)],
    clientMachines: ['pc-1.branch.contoso.com', 'PC-2.Branch.Contoso.com', 'pc-3.corp.contoso.com', 'pc-4'],
    clientHosts: [{ name: 'rogue.corp.contoso.com', port: 1688, host: null, status: 'rogue', machines: 1, requests: 1, answered: 1, lastAt: new Date(C).toISOString(), clients: ['pc-9'] }],
    ...over,
  };
}

describe('SRV shares', () => {
  it('divides by the weights of the same priority; equal shares when all are 0', () => {
    // priority 0: 10/(10+90), 90/(10+90); priority 10: weights 0 and 0 → 1/2 each; a lone record → 1
    expect(srvShares([{ priority: 0, weight: 10 }, { priority: 0, weight: 90 }, { priority: 10, weight: 0 }, { priority: 10, weight: 0 }, { priority: 20, weight: 0 }]))
      .toEqual([0.1, 0.9, 0.5, 0.5, 1]);
    // a weight-0 record beside a weighted one gets nothing by the formula
    expect(srvShares([{ priority: 0, weight: 0 }, { priority: 0, weight: 5 }])).toEqual([0, 1]);
  });
});

describe('describeDiscovery', () => {
  const report = describeDiscovery(inputs());

  it('copies the check with ISO times, the note, and each target matched', () => {
    expect(report.checkedAt).toBe(new Date(C).toISOString());
    expect(report.note).toBe("Seen from admin01.corp.contoso.com, not from a client's network: a firewall between clients and the host is not tested.");
    const corp = report.domains[0];
    expect(corp.records.map((r) => [r.target, r.share, r.host, r.status])).toEqual([
      ['kms01.corp.contoso.com', 0.1, 'kms01.corp.contoso.com', 'collected'],
      ['kms02.corp.contoso.com', 0.9, 'kms02.corp.contoso.com', 'collected'],
      ['kms04.corp.contoso.com', 0.5, 'kms04.corp.contoso.com', 'known'],
      ['rogue.corp.contoso.com', 0.5, null, 'rogue'],
    ]);
    expect(corp.records[2].addresses[0]).toEqual({ address: '10.0.0.4', port: 1688, status: 'refused', tookMs: 2, error: 'ECONNREFUSED' });
    expect(report.domains.map((d) => [d.domain, d.status, d.failure])).toEqual([
      ['corp.contoso.com', 'found', null], ['branch.contoso.com', 'no-record', null], ['lab.contoso.com', 'no-record', null],
      ['dmz.contoso.com', 'failed', 'timeout'], ['edge.contoso.com', 'found', null],
    ]);
  });

  it('finds each kind, worst first (severity, kind, host)', () => {
    expect(report.findings.map((f) => [f.severity, f.kind, f.host, f.domain])).toEqual([
      ['critical', 'rogue-host', 'rogue.corp.contoso.com', 'corp.contoso.com'],
      // clients of branch.contoso.com activate (pc-1, PC-2)
      ['critical', 'missing-record', null, 'branch.contoso.com'],
      // edge: its only other target failed to resolve, so nothing there is reachable
      ['critical', 'target-unreachable', 'kms01.corp.contoso.com', 'edge.contoso.com'],
      ['warning', 'missing-record', null, 'lab.contoso.com'],
      ['warning', 'lookup-failed', null, 'dmz.contoso.com'],
      // the check's own resolve failure (edge) and a target with no address beside reachable ones (corp)
      ['warning', 'target-unresolved', 'kms04.corp.contoso.com', 'edge.contoso.com'],
      ['warning', 'target-unresolved', 'rogue.corp.contoso.com', 'corp.contoso.com'],
      ['warning', 'target-unreachable', 'kms04.corp.contoso.com', 'corp.contoso.com'],
      // kms02: last request 30 h before the check > 24 h
      ['warning', 'published-idle', 'kms02.corp.contoso.com', 'corp.contoso.com'],
      // kms03 served 2 h before the check, no record names it; kms05 (48 h) is outside the idle window
      ['warning', 'unpublished-host', 'kms03.corp.contoso.com', null],
      ['info', 'weight-skew', 'kms02.corp.contoso.com', 'corp.contoso.com'],
    ]);
  });

  const find = (kind: string, domain: string | null) => report.findings.find((f) => f.kind === kind && f.domain === domain)!;

  it('names the clients of a domain without a record and its hosts\' recent 12293 failures', () => {
    const missing = find('missing-record', 'branch.contoso.com');
    expect(missing.clients).toEqual(['pc-1.branch.contoso.com', 'PC-2.Branch.Contoso.com']);
    expect(missing.text).toContain('2 clients of branch.contoso.com');
    expect(missing.text).toContain('kms05.branch.contoso.com logged 12293 (0x8007232A)');
    expect(missing.text).not.toContain('kms09');
    expect(missing.remedy).toContain("kms05.branch.contoso.com's computer account");
    expect(missing.remedy).toContain('slmgr /skms');
    expect(find('missing-record', 'lab.contoso.com').text).toContain('No client of lab.contoso.com');
  });

  it('states a failed lookup as the check\'s failure, never as a missing record', () => {
    const failed = find('lookup-failed', 'dmz.contoso.com');
    expect(failed.text).toContain('failed (timeout: timed out after 2000 ms)');
    expect(failed.text).toContain('could not tell whether the record exists');
    expect(failed.text).not.toMatch(/has no SRV record/);
  });

  it('lists the clients that used a rogue SRV target', () => {
    expect(find('rogue-host', 'corp.contoso.com').clients).toEqual(['pc-9']);
  });

  it('weight skew needs one share of 0.8 or more at the lowest priority with two records', () => {
    const even: DiscoveryCheck = { ...check, domains: [lookup('corp.contoso.com', 'found', [
      record('kms01.corp.contoso.com', 0, 0, [address('10.0.0.1')]),
      // priority 5 has 79/100 at most: no skew; priority 9 is not the lowest with two records
      record('kms02.corp.contoso.com', 5, 79, [address('10.0.0.2')]),
      record('kms03.corp.contoso.com', 5, 21, [address('10.0.0.3')]),
      record('kms01.corp.contoso.com', 9, 100, [address('10.0.0.1')]),
      record('kms03.corp.contoso.com', 9, 0, [address('10.0.0.3')]),
    ])] };
    expect(describeDiscovery(inputs({ check: even })).findings.filter((f) => f.kind === 'weight-skew')).toEqual([]);
    const skewed: DiscoveryCheck = { ...even, domains: [{ ...even.domains[0], records: even.domains[0].records.map((r) => (r.weight === 79 ? { ...r, weight: 84 } : r.weight === 21 ? { ...r, weight: 16 } : r)) }] };
    // 84 / (84 + 16) = 0.84 ≥ 0.8
    expect(describeDiscovery(inputs({ check: skewed })).findings.filter((f) => f.kind === 'weight-skew').map((f) => f.host)).toEqual(['kms02.corp.contoso.com']);
  });

  it('reports no unpublished host when no lookup was answered', () => {
    const failedOnly: DiscoveryCheck = { ...check, domains: [lookup('dmz.contoso.com', 'failed')] };
    expect(describeDiscovery(inputs({ check: failedOnly })).findings.map((f) => f.kind)).toEqual(['lookup-failed']);
  });
});

describe('discovery and client side through the store and buildReport', () => {
  const client = (computer: string, eventId: 12288 | 12289, time: number, kmsHost: string, recordId: number): KmsClientEvent => ({
    kind: 'client', host: computer, channel: APPLICATION_CHANNEL, eventId, recordId, time, source: 'test', result: 0, resultHex: '0x0',
    fields: eventId === 12288
      ? { result: '0x0', statusFlags: '0x0', kmsHost, cmid: 'c-x', clientTime: '', vmInfo: '0', licenseState: '1', minutesLeft: '0', activationId: '2de67392-b7a7-462a-b1ca-108dd189f588', minimumCount: '25' }
      : { result: '0x0', statusFlags: '0x0', activated: '1', unused: '0', currentCount: '1', activationInterval: '120', renewalInterval: '10080', clientTime: '' },
  });
  const fill = async (store: Store) => {
    await store.writeBatch([
      request({ host: 'kms01.corp.contoso.com', time: C - HOUR, cmid: 'c-1', machine: 'pc-1.corp.contoso.com' }),
      hostEvent('kms01.corp.contoso.com', C - DAY, 'dns-publish-failed', 'corp.contoso.com', '0x8007232A'),
      // by the address the check resolved kms01 to: kms01, collected
      client('pc-x.corp.contoso.com', 12288, C - HOUR, '10.0.0.1:1688', 1), client('pc-x.corp.contoso.com', 12289, C - HOUR + MINUTE, '', 2),
      // a listed host, answered: info only
      client('pc-y.corp.contoso.com', 12288, C - HOUR, 'kms04.corp.contoso.com:1688', 1), client('pc-y.corp.contoso.com', 12289, C - HOUR + MINUTE, '', 2),
    ]);
    await store.saveDiscovery({ ...check, domains: [check.domains[0]] });
    // a later check (after `at`) must not be used
    await store.saveDiscovery({ ...check, checkedAt: AT + HOUR, domains: [lookup('corp.contoso.com', 'failed')] });
    return store;
  };
  const options = { at: AT, timezone: 'UTC', knownHosts: ['kms04.corp.contoso.com'] };

  it('uses the newest check at or before `at`, the config\'s known hosts and the check\'s addresses', async () => {
    const report = await buildReport(await fill(createMemoryStore()), options);

    expect(report.discovery?.checkedAt).toBe(new Date(C).toISOString());
    expect(report.discovery?.domains[0].records.map((r) => [r.target, r.status])).toEqual([
      ['kms01.corp.contoso.com', 'collected'], ['kms02.corp.contoso.com', 'rogue'], ['kms04.corp.contoso.com', 'known'], ['rogue.corp.contoso.com', 'rogue'],
    ]);
    expect(report.clientSide.hosts.map((h) => [h.name, h.host, h.status])).toEqual([
      ['10.0.0.1', 'kms01.corp.contoso.com', 'collected'],
      ['kms04.corp.contoso.com', 'kms04.corp.contoso.com', 'known'],
    ]);
    expect(report.clientSide.findings.map((f) => [f.kind, f.severity, f.host])).toEqual([['uncollected-host', 'info', 'kms04.corp.contoso.com']]);
    // kms02 is not stored here and accepts connections: a rogue target; rogue.corp has no address
    // (it answers nobody: a stale record, not a rogue); kms01 served 1 h before the check: not idle
    expect(report.discovery?.findings.map((f) => [f.severity, f.kind, f.host])).toEqual([
      ['critical', 'rogue-host', 'kms02.corp.contoso.com'],
      ['warning', 'target-unresolved', 'rogue.corp.contoso.com'],
      ['warning', 'target-unreachable', 'kms04.corp.contoso.com'],
      ['info', 'weight-skew', 'kms02.corp.contoso.com'],
    ]);
  });

  it('gives the same sections from SQLite as from the memory store', async () => {
    const sqlite = await fill(await openStore(':memory:'));
    try {
      const fromSqlite = await buildReport(sqlite, options);
      const fromMemory = await buildReport(await fill(createMemoryStore()), options);
      expect(fromSqlite.discovery).not.toBeNull();
      expect(fromSqlite.clientSide.requestsSent).toBe(2);
      expect({ discovery: fromSqlite.discovery, clientSide: fromSqlite.clientSide }).toEqual({ discovery: fromMemory.discovery, clientSide: fromMemory.clientSide });
    } finally {
      await sqlite.close();
    }
  });

  it('has no discovery section without a stored check, and an empty client side without client events', async () => {
    const report = await buildReport(createMemoryStore(), { at: AT, timezone: 'UTC' });
    expect(report.discovery).toBeNull();
    expect(report.clientSide).toEqual({ requestsSent: 0, responses: 0, machines: 0, pairingWindowMinutes: 5, unanswered: [], hosts: [], reportedCounts: [], findings: [] });
  });
});
