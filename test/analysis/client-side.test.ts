import { beforeAll, describe, expect, it } from 'vitest';
import { pairClientEvents, pairedRequestsOf, type PairedRequest } from '../../src/analysis/client-pairing.js';
import { describeClientSide, reportedCount, reportedCountCandidates } from '../../src/analysis/client-side.js';
import { FINDING_CLIENT_LIMIT } from '../../src/analysis/findings.js';
import { clientSideFactsOf, clientsNamingOf } from '../../src/store/rules/client-side-facts.js';
import type { ClientSideReport } from '../../src/analysis/types.js';
import { canonicalAddress, createHostMatcher, dnsSuffix, parseKmsHost } from '../../src/analysis/kms-host-match.js';
import { buildReport } from '../../src/analysis/report.js';
import type { DiscoveryCheck, SrvTargetCheck } from '../../src/discover/index.js';
import { APPLICATION_CHANNEL, type KmsClientEvent } from '../../src/kms/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { ClientEventRow } from '../../src/store/types.js';
import { AT, DAY, HOUR, MINUTE, PRODUCTS, request } from './fleet.js';

const F074 = 0xc004f074;
const UNKNOWN_PRODUCT = '00000000-1111-2222-3333-444444444444';

interface SentSpec {
  computer: string;
  time: number;
  host?: string;
  result?: number;
  minimumCount?: number;
  product?: string;
  recordId?: number | null;
}

/** A 12288 row as the store returns it (fields named as src/kms/events/client-events.ts). */
function sent(s: SentSpec): ClientEventRow {
  const result = s.result ?? 0;
  return {
    computer: s.computer, eventId: 12288, time: s.time, recordId: s.recordId ?? null, result, resultHex: hex(result),
    fields: {
      result: hex(result), statusFlags: '0x0', kmsHost: s.host ?? 'kms01.corp.contoso.com:1688', cmid: `cmid-${s.computer.toLowerCase()}`,
      clientTime: '2026/2/28 23:00', vmInfo: '0', licenseState: '1', minutesLeft: '249120',
      activationId: s.product ?? PRODUCTS.win11Pro, minimumCount: String(s.minimumCount ?? 25),
    },
  };
}

/** A 12289 row: the host's answer with its count. */
function answer(computer: string, time: number, count = 30, result = 0, recordId: number | null = null): ClientEventRow {
  return {
    computer, eventId: 12289, time, recordId, result, resultHex: hex(result),
    fields: { result: hex(result), statusFlags: '0x0', activated: '1', unused: '0', currentCount: String(count), activationInterval: '120', renewalInterval: '10080', clientTime: '2026/2/28 23:00' },
  };
}

/** The 12289s among client events. */
function responsesOf(events: readonly ClientEventRow[]): number {
  return events.filter((e) => e.eventId === 12289).length;
}

/** describeClientSide's store reads over `events` as of `at` (the store's rule, rules/client-side-facts.ts). */
function sideOf(events: readonly ClientEventRow[], at: number) {
  const requests = pairedRequestsOf(events);
  return {
    facts: clientSideFactsOf(requests, responsesOf(events), at, FINDING_CLIENT_LIMIT),
    clientsNaming: async (kmsHosts: readonly (string | null)[]) => clientsNamingOf(requests, kmsHosts, FINDING_CLIENT_LIMIT),
  };
}

function hex(n: number): string {
  return `0x${n.toString(16).toUpperCase()}`;
}

function outcomes(pairs: PairedRequest[]): string[] {
  return pairs.map((p) => `${p.request.computer}@${(p.request.time - AT) / MINUTE}:${p.outcome}`);
}

describe('pairing 12288 with 12289', () => {
  const T = AT - 2 * HOUR;

  it('pairs a 12289 exactly 5 minutes later, not one 5 minutes and 1 ms later', () => {
    const pairs = pairClientEvents([sent({ computer: 'pc-a', time: T }), answer('pc-a', T + 5 * MINUTE), sent({ computer: 'pc-b', time: T }), answer('pc-b', T + 5 * MINUTE + 1)], AT);
    expect(outcomes(pairs)).toEqual(['pc-a@-120:answered', 'pc-b@-120:no-response']);
    expect(pairs[0].request.answer?.time).toBe(T + 5 * MINUTE);
  });

  it('a second 12288 before the 12289 takes it; the first stays unanswered', () => {
    const pairs = pairClientEvents([sent({ computer: 'pc-a', time: T }), sent({ computer: 'pc-a', time: T + MINUTE }), answer('pc-a', T + 2 * MINUTE)], AT);
    expect(outcomes(pairs)).toEqual(['pc-a@-120:no-response', 'pc-a@-119:answered']);
  });

  it('compares computers case-insensitively and never across computers', () => {
    const pairs = pairClientEvents([sent({ computer: 'PC-A.corp', time: T }), answer('pc-a.CORP', T + MINUTE), sent({ computer: 'pc-b', time: T }), answer('pc-c', T + MINUTE)], AT);
    expect(outcomes(pairs)).toEqual(['PC-A.corp@-120:answered', 'pc-b@-120:no-response']);
  });

  it('a 12288 newer than at − 5 min is pending; one exactly 5 min old is not', () => {
    // pending: time > at − window; at − 5 min is not newer than at − 5 min
    const pairs = pairClientEvents([sent({ computer: 'pc-a', time: AT - 4 * MINUTE }), sent({ computer: 'pc-b', time: AT - 5 * MINUTE })], AT);
    expect(outcomes(pairs)).toEqual(['pc-a@-4:pending', 'pc-b@-5:no-response']);
  });

  it('a 12288 carrying 0xC004F074 is not-contacted and takes no 12289', () => {
    const pairs = pairClientEvents([sent({ computer: 'pc-a', time: T, result: F074 }), answer('pc-a', T + MINUTE)], AT);
    expect(outcomes(pairs)).toEqual(['pc-a@-120:not-contacted']);
  });

  it('orders events of one second by record id: a 12289 logged before the 12288 does not answer it', () => {
    const pairs = pairClientEvents([answer('pc-a', T, 30, 0, 10), sent({ computer: 'pc-a', time: T, recordId: 11 }), answer('pc-b', T, 30, 0, 20), sent({ computer: 'pc-b', time: T, recordId: 19 })], AT);
    expect(outcomes(pairs)).toEqual(['pc-a@-120:no-response', 'pc-b@-120:answered']);
  });
});

describe('naming a KMS host', () => {
  it('splits name:port, IPv4, bracketed IPv6 and empty fields', () => {
    expect(parseKmsHost('KMS01.Corp.Contoso.com:1688')).toEqual({ name: 'kms01.corp.contoso.com', port: 1688, address: null });
    expect(parseKmsHost('10.0.0.5:1688')).toEqual({ name: '10.0.0.5', port: 1688, address: '10.0.0.5' });
    expect(parseKmsHost('[FE80::1]:1688')).toEqual({ name: 'fe80::1', port: 1688, address: 'fe80:0:0:0:0:0:0:1' });
    expect(parseKmsHost('::1')).toEqual({ name: '::1', port: null, address: '0:0:0:0:0:0:0:1' });
    expect(parseKmsHost('kms01')).toEqual({ name: 'kms01', port: null, address: null });
    expect(parseKmsHost('  ')).toBeNull();
  });

  it('spells one IPv6 address one way', () => {
    expect(canonicalAddress('fe80:0::0001')).toBe(canonicalAddress('FE80::1'));
    // ffff:10.0.0.1 → groups ffff, 0a00, 0001
    expect(canonicalAddress('::ffff:10.0.0.1')).toBe('0:0:0:0:0:ffff:a00:1');
    expect(canonicalAddress('256.1.1.1')).toBeNull();
    expect(canonicalAddress('1::2::3')).toBeNull();
  });

  const target = (name: string, addresses: string[], cnames: string[] = []): SrvTargetCheck => ({
    target: name, port: 1688, priority: 0, weight: 0, ttl: 600, cnames, resolveStatus: 'resolved', resolveDetail: null,
    addresses: addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4, port: 1688, status: 'reachable', tookMs: 1, error: null })),
  });
  const check: DiscoveryCheck = {
    checkedAt: AT - HOUR, seenFrom: 'admin01', dnsServers: ['10.0.0.53:53'], timeoutMs: 2000,
    domains: [{
      domain: 'corp.contoso.com', name: '_vlmcs._tcp.corp.contoso.com', dnsServer: '10.0.0.53:53', status: 'found', detail: null, failure: null, tookMs: 3,
      records: [
        target('kms01.corp.contoso.com', ['10.0.0.1', '10.0.0.9']),
        target('kms.corp.contoso.com', ['FE80::0001'], ['kms02.branch.contoso.com']),
        target('kms03.corp.contoso.com', ['10.0.0.9']),
      ],
    }],
  };
  const matcher = createHostMatcher({
    collected: ['KMS01.corp.contoso.com'],
    known: ['kms02.branch.contoso.com', 'kms03.corp.contoso.com', 'KMS03.branch.contoso.com', 'kms01.corp.contoso.com', '192.168.5.5'],
    check,
  });
  const byText = (text: string) => matcher.byNamed(parseKmsHost(text)!);

  it('matches full names case-insensitively; collected wins over listed', () => {
    expect(byText('kms01.CORP.contoso.com:1688')).toEqual({ host: 'KMS01.corp.contoso.com', status: 'collected' });
    expect(byText('kms02.branch.contoso.com.:1688')).toEqual({ host: 'kms02.branch.contoso.com', status: 'known' });
    expect(byText('192.168.5.5:1688')).toEqual({ host: '192.168.5.5', status: 'known' });
  });

  it('matches a short name to the one FQDN whose first label it is; an ambiguous one to no host', () => {
    expect(byText('KMS01:1688')).toEqual({ host: 'KMS01.corp.contoso.com', status: 'collected' });
    expect(byText('kms02')).toEqual({ host: 'kms02.branch.contoso.com', status: 'known' });
    // kms03.corp… and KMS03.branch… share the first label: no host, yet not rogue (both are listed)
    expect(byText('kms03:1688')).toEqual({ host: null, status: 'known' });
    expect(byText('kms04:1688')).toEqual({ host: null, status: 'rogue' });
  });

  it('an FQDN in one of the fleet\'s domains names the host stored under its short name; elsewhere it is rogue', () => {
    // KMS05's events give a short computer name; its clients are in corp.contoso.com
    const short = createHostMatcher({ collected: ['KMS05'], known: [], check: null, domains: ['corp.contoso.com'] });
    expect(short.byNamed(parseKmsHost('kms05.corp.contoso.com:1688')!)).toEqual({ host: 'KMS05', status: 'collected' });
    expect(short.byNamed(parseKmsHost('kms05.evil.net:1688')!)).toEqual({ host: null, status: 'rogue' });
    // a deeper name is not a suffix match: kms05.x.corp.contoso.com's suffix is x.corp.contoso.com
    expect(short.byNamed(parseKmsHost('kms05.x.corp.contoso.com')!)).toEqual({ host: null, status: 'rogue' });
    expect(dnsSuffix('PC1.Corp.Contoso.com.')).toBe('corp.contoso.com');
    expect(dnsSuffix('PC1')).toBeNull();
    expect(dnsSuffix('10.0.0.1')).toBeNull();
  });

  it('matches an address the discovery check resolved a host target (or its CNAME) to', () => {
    expect(byText('10.0.0.1:1688')).toEqual({ host: 'KMS01.corp.contoso.com', status: 'collected' });
    expect(byText('[fe80::1]:1688')).toEqual({ host: 'kms02.branch.contoso.com', status: 'known' });
    // 10.0.0.9 is an address of kms01 and of kms03: neither
    expect(byText('10.0.0.9:1688')).toEqual({ host: null, status: 'rogue' });
    expect(byText('10.0.0.2:1688')).toEqual({ host: null, status: 'rogue' });
    expect(matcher.byName('kms.corp.contoso.com', ['kms02.branch.contoso.com'])).toEqual({ host: 'kms02.branch.contoso.com', status: 'known' });
  });
});

describe('client side of the report', () => {
  const KMS01 = 'KMS01.corp.contoso.com';
  const check: DiscoveryCheck = {
    checkedAt: AT - HOUR, seenFrom: 'admin01', dnsServers: ['10.0.0.53:53'], timeoutMs: 2000,
    domains: [{
      domain: 'corp.contoso.com', name: '_vlmcs._tcp.corp.contoso.com', dnsServer: '10.0.0.53:53', status: 'found', detail: null, failure: null, tookMs: 3,
      records: [{ target: 'kms01.corp.contoso.com', port: 1688, priority: 0, weight: 0, ttl: 600, cnames: [], resolveStatus: 'resolved', resolveDetail: null,
        addresses: [{ address: 'fe80::1', family: 6, port: 1688, status: 'reachable', tookMs: 1, error: null }] }],
    }],
  };
  const events: ClientEventRow[] = [
    // pc-a: answered by kms01 (FQDN)
    sent({ computer: 'pc-a', time: AT - 2 * HOUR }), answer('pc-a', AT - 2 * HOUR + MINUTE),
    // pc-b: two attempts at the short name, no answer either time
    sent({ computer: 'pc-b', time: AT - 3 * HOUR, host: 'KMS01:1688' }), sent({ computer: 'pc-b', time: AT - HOUR, host: 'KMS01:1688' }),
    // pc-c: named no host and could contact none
    sent({ computer: 'pc-c', time: AT - 30 * MINUTE, host: '', result: F074 }),
    // pc-d: an address no known host resolves to, answered
    sent({ computer: 'pc-d', time: AT - 4 * HOUR, host: '10.9.9.9:1688' }), answer('pc-d', AT - 4 * HOUR + MINUTE),
    // pc-e: a rogue name, answered
    sent({ computer: 'pc-e', time: AT - 4 * HOUR, host: 'rogue.example.net:1688' }), answer('pc-e', AT - 4 * HOUR + MINUTE),
    // pc-f: a listed host whose log is not collected, no answer
    sent({ computer: 'pc-f', time: AT - 6 * HOUR, host: 'kms02.branch.contoso.com:1688' }),
    // pc-g: only a 12289 (AD-based or token activation logs no 12288): nothing to flag
    answer('pc-g', AT - 5 * HOUR),
    // pc-h: pending at the end of the window
    sent({ computer: 'pc-h', time: AT - 2 * MINUTE }),
    // pc-i: failed, then answered: its newest attempt decides
    sent({ computer: 'pc-i', time: AT - 5 * HOUR }), sent({ computer: 'pc-i', time: AT - 4 * HOUR }), answer('pc-i', AT - 4 * HOUR + MINUTE),
    // pc-j: kms01 by the IPv6 address the check resolved
    sent({ computer: 'pc-j', time: AT - 7 * HOUR, host: '[FE80::1]:1688' }), answer('pc-j', AT - 7 * HOUR + MINUTE),
  ];
  const build = (withCheck: boolean) => {
    const matcher = createHostMatcher({ collected: [KMS01], known: ['kms02.branch.contoso.com'], check: withCheck ? check : null });
    return describeClientSide({ ...sideOf(events, AT), matcher, checkStored: withCheck, reported: [] });
  };
  let report: ClientSideReport;
  beforeAll(async () => {
    report = await build(true);
  });

  it('counts requests, responses and machines', () => {
    // 12288: a1 b2 c1 d1 e1 f1 h1 i2 j1 = 11; 12289: a d e g i j = 6; machines with a 12288: a b c d e f h i j = 9
    expect([report.requestsSent, report.responses, report.machines, report.pairingWindowMinutes]).toEqual([11, 6, 9, 5]);
  });

  it('lists machines whose newest settled attempt got no answer, newest first', () => {
    expect(report.unanswered).toEqual([
      { machine: 'pc-c', hostTried: null, host: null, reason: 'not-contacted', result: '0xC004F074', lastAt: new Date(AT - 30 * MINUTE).toISOString(), attempts: 1 },
      { machine: 'pc-b', hostTried: 'KMS01:1688', host: KMS01, reason: 'no-response', result: '0x0', lastAt: new Date(AT - HOUR).toISOString(), attempts: 2 },
      { machine: 'pc-f', hostTried: 'kms02.branch.contoso.com:1688', host: 'kms02.branch.contoso.com', reason: 'no-response', result: '0x0', lastAt: new Date(AT - 6 * HOUR).toISOString(), attempts: 1 },
    ]);
  });

  it('lists every host named, most machines first, then most requests, then name', () => {
    expect(report.hosts.map((h) => [h.name, h.port, h.host, h.status, h.machines, h.requests, h.answered, h.clients.join(' ')])).toEqual([
      // a, h, i: 1 + 1 + 2 requests, a and i's second answered (h pending)
      ['kms01.corp.contoso.com', 1688, KMS01, 'collected', 3, 4, 2, 'pc-a pc-h pc-i'],
      ['kms01', 1688, KMS01, 'collected', 1, 2, 0, 'pc-b'],
      ['10.9.9.9', 1688, null, 'rogue', 1, 1, 1, 'pc-d'],
      ['fe80::1', 1688, KMS01, 'collected', 1, 1, 1, 'pc-j'],
      ['kms02.branch.contoso.com', 1688, 'kms02.branch.contoso.com', 'known', 1, 1, 0, 'pc-f'],
      ['rogue.example.net', 1688, null, 'rogue', 1, 1, 1, 'pc-e'],
    ]);
  });

  it('finds rogue hosts, unanswered clients and an uncollected host, worst first', () => {
    expect(report.findings.map((f) => [f.kind, f.severity, f.host, f.clients.join(' ')])).toEqual([
      ['rogue-host', 'critical', '10.9.9.9', 'pc-d'],
      ['rogue-host', 'critical', 'rogue.example.net', 'pc-e'],
      ['unanswered-clients', 'warning', KMS01, 'pc-b'],
      ['unanswered-clients', 'warning', 'kms02.branch.contoso.com', 'pc-f'],
      ['unanswered-clients', 'warning', null, 'pc-c'],
      ['uncollected-host', 'warning', 'kms02.branch.contoso.com', 'pc-f'],
    ]);
    const unanswered = report.findings.find((f) => f.kind === 'unanswered-clients' && f.host === KMS01)!;
    expect(unanswered.remedy).toContain('netsh advfirewall firewall set rule name="Key Management Service (TCP-In)" new enable=yes');
    expect(unanswered.remedy).toContain('slmgr /skms');
    expect(report.findings.find((f) => f.host === 'rogue.example.net')!.remedy).toContain('slmgr /ckms');
  });

  it('without a stored check an unknown address is only a warning, and a resolved one is not matched', async () => {
    const r = await build(false);
    expect(r.findings.filter((f) => f.kind === 'rogue-host').map((f) => [f.host, f.severity])).toEqual([
      ['rogue.example.net', 'critical'],
      ['10.9.9.9', 'warning'],
      ['fe80::1', 'warning'],
    ]);
  });

  it('an uncollected host all of whose requests were answered is info', async () => {
    const ok = [sent({ computer: 'pc-f', time: AT - 6 * HOUR, host: 'kms02.branch.contoso.com:1688' }), answer('pc-f', AT - 6 * HOUR + MINUTE)];
    const matcher = createHostMatcher({ collected: [KMS01], known: ['kms02.branch.contoso.com'], check: null });
    const r = await describeClientSide({ ...sideOf(ok, AT), matcher, checkStored: false, reported: [] });
    expect(r.findings.map((f) => [f.kind, f.severity])).toEqual([['uncollected-host', 'info']]);
    expect(r.unanswered).toEqual([]);
  });
});

describe('a host named in several spellings', () => {
  it('counts each computer once per host and per finding, asking the store for the union', async () => {
    const events = [
      // pc-a names kms01 in capitals and with a trailing dot; pc-b in lower case: one host, two machines, three requests
      sent({ computer: 'pc-a', time: AT - 3 * HOUR, host: 'KMS01.corp.contoso.com:1688' }), answer('pc-a', AT - 3 * HOUR + MINUTE),
      sent({ computer: 'pc-a', time: AT - 2 * HOUR, host: 'kms01.corp.contoso.com.:1688' }), answer('pc-a', AT - 2 * HOUR + MINUTE),
      sent({ computer: 'pc-b', time: AT - 2 * HOUR, host: 'kms01.corp.contoso.com:1688' }), answer('pc-b', AT - 2 * HOUR + MINUTE),
      // pc-c asks a rogue name on two ports (two rows), pc-d on one: one finding, two machines, three requests
      sent({ computer: 'pc-c', time: AT - 4 * HOUR, host: 'rogue.example.net:1688' }), answer('pc-c', AT - 4 * HOUR + MINUTE),
      sent({ computer: 'pc-c', time: AT - 3 * HOUR, host: 'rogue.example.net:2000' }), answer('pc-c', AT - 3 * HOUR + MINUTE),
      sent({ computer: 'pc-d', time: AT - 3 * HOUR, host: 'rogue.example.net:2000' }), answer('pc-d', AT - 3 * HOUR + MINUTE),
    ];
    const asked: (string | null)[][] = [];
    const side = sideOf(events, AT);
    const matcher = createHostMatcher({ collected: ['KMS01.corp.contoso.com'], known: [], check: null });
    const r = await describeClientSide({
      ...side, matcher, checkStored: false, reported: [],
      clientsNaming: (kmsHosts) => {
        asked.push([...kmsHosts]);
        return side.clientsNaming(kmsHosts);
      },
    });
    expect(r.hosts.map((h) => [h.name, h.port, h.machines, h.requests, h.clients.join(' ')])).toEqual([
      ['kms01.corp.contoso.com', 1688, 2, 3, 'pc-a pc-b'],
      ['rogue.example.net', 2000, 2, 2, 'pc-c pc-d'],
      ['rogue.example.net', 1688, 1, 1, 'pc-c'],
    ]);
    const rogue = r.findings.find((f) => f.kind === 'rogue-host')!;
    expect(rogue.text).toContain('2 clients sent it 3 activation requests (3 answered)');
    expect(rogue.clients).toEqual(['pc-c', 'pc-d']);
    // only the host with two spellings and the finding over two rows needed the store
    expect(asked.map((a) => a.sort())).toEqual([
      ['KMS01.corp.contoso.com:1688', 'kms01.corp.contoso.com.:1688', 'kms01.corp.contoso.com:1688'],
      ['rogue.example.net:1688', 'rogue.example.net:2000'],
    ]);
  });
});

describe('counts the hosts reported', () => {
  const matcher = createHostMatcher({ collected: ['KMS01.corp.contoso.com'], known: ['kms02.branch.contoso.com'], check: null });

  it('keeps the newest counted answer per collected host, application and minimum count', () => {
    const T = AT - 10 * HOUR;
    const events = [
      sent({ computer: 'pc-a', time: T }), answer('pc-a', T + MINUTE, 30),
      sent({ computer: 'pc-b', time: T + HOUR }), answer('pc-b', T + HOUR + MINUTE, 31), // newer: wins for (kms01, Windows, 25)
      sent({ computer: 'srv-a', time: T, minimumCount: 5, product: PRODUCTS.server2022 }), answer('srv-a', T + MINUTE, 12),
      sent({ computer: 'srv-b', time: T + 2 * HOUR, minimumCount: 5, product: PRODUCTS.server2022 }), answer('srv-b', T + 2 * HOUR + MINUTE, 0, 0xc004f042), // no count in a refusal
      sent({ computer: 'pc-x', time: T + 2 * HOUR, product: UNKNOWN_PRODUCT, minimumCount: 5 }), answer('pc-x', T + 2 * HOUR + MINUTE, 3), // 5: Server or Office, unsure
      sent({ computer: 'pc-k', time: T + 3 * HOUR, host: 'kms02.branch.contoso.com:1688' }), answer('pc-k', T + 3 * HOUR + MINUTE, 40), // not collected
      sent({ computer: 'pc-u', time: T + 4 * HOUR, host: 'KMS01:1688', product: UNKNOWN_PRODUCT }), answer('pc-u', T + 4 * HOUR + 2 * MINUTE, 33), // unknown, 25 → Windows, newest
    ];
    const candidates = reportedCountCandidates(sideOf(events, AT).facts.reported, matcher);
    expect(candidates).toEqual([
      { host: 'KMS01.corp.contoso.com', application: 'Windows', minimumCount: 25, reportedAt: T + 4 * HOUR + 2 * MINUTE, machine: 'pc-u', reported: 33 },
      { host: 'KMS01.corp.contoso.com', application: 'Windows', minimumCount: 5, reportedAt: T + MINUTE, machine: 'srv-a', reported: 12 },
    ]);
  });

  it('flags a count that differs by more than one', async () => {
    const at = (m: number) => ({ host: 'KMS01.corp.contoso.com', application: 'Windows' as const, minimumCount: 25, reportedAt: AT - m * MINUTE, machine: `pc-${m}`, reported: 30 });
    // pc-5 and pc-6: the log does not cover the window (partial): a count kmswatch finds 2 too low is
    // expected there (pc-5, no finding), one 2 too high is not (pc-6, a finding)
    const reported = [
      reportedCount(at(1), 29), reportedCount(at(2), 31), reportedCount(at(3), 28), reportedCount(at(4), 32),
      reportedCount(at(5), 28, true), reportedCount(at(6), 32, true),
    ];
    expect(reported.map((r) => r.difference)).toEqual([1, -1, 2, -2, 2, -2]);
    const r = await describeClientSide({ ...sideOf([], AT), matcher, checkStored: false, reported });
    expect(r.findings.map((f) => [f.kind, f.severity, f.clients[0]])).toEqual([
      ['count-differs', 'warning', 'pc-3'],
      ['count-differs', 'warning', 'pc-4'],
      ['count-differs', 'warning', 'pc-6'],
    ]);
    expect(r.findings[0].text).toContain('count was 30');
    expect(r.findings[0].text).toContain('gives 28');
  });
});

function clientEvent(row: ClientEventRow, recordId: number): KmsClientEvent {
  return { kind: 'client', host: row.computer, channel: APPLICATION_CHANNEL, eventId: row.eventId, recordId, time: row.time, source: 'test', result: row.result, resultHex: row.resultHex, fields: row.fields };
}

describe('reported counts through the store and buildReport', () => {
  it('compares the 12289 count with the count of the 30 days up to its time', async () => {
    const store = createMemoryStore();
    const T = AT - DAY;
    const reqs = [];
    // kms01: 27 Windows clients (N=25) in (T − 30 d, T]; one more exactly at T − 30 d (outside) and one after T (not yet)
    for (let i = 0; i < 27; i++) reqs.push(request({ host: 'kms01.corp.contoso.com', time: T - (i + 1) * HOUR, cmid: `c-${i}`, machine: `pc-${i}.corp.contoso.com` }));
    reqs.push(request({ host: 'kms01.corp.contoso.com', time: T - 30 * DAY, cmid: 'c-old', machine: 'pc-old' }));
    reqs.push(request({ host: 'kms01.corp.contoso.com', time: T + HOUR, cmid: 'c-new', machine: 'pc-new' }));
    // kms02: 5 servers (N=5), and one request before the window so that its log covers the 30 days
    // (a log that starts inside them is partial: a higher reported count is then no finding)
    for (let i = 0; i < 5; i++) reqs.push(request({ host: 'kms02.corp.contoso.com', time: T - (i + 1) * HOUR, cmid: `s-${i}`, machine: `srv-${i}`, product: PRODUCTS.server2022 }));
    reqs.push(request({ host: 'kms02.corp.contoso.com', time: T - 31 * DAY, cmid: 's-old', machine: 'srv-old', product: PRODUCTS.server2022 }));
    const client = [
      sent({ computer: 'pc-x.corp.contoso.com', time: T - MINUTE }), answer('pc-x.corp.contoso.com', T, 28), // 28 vs 27: within one
      sent({ computer: 'srv-x', time: T - MINUTE, host: 'kms02.corp.contoso.com:1688', minimumCount: 5, product: PRODUCTS.server2022 }), answer('srv-x', T, 7), // 7 vs 5
    ];
    await store.writeBatch([...reqs, ...client.map((e, i) => clientEvent(e, i + 1))]);
    const report = await buildReport(store, { at: AT, timezone: 'UTC' });
    expect(report.discovery).toBeNull();
    expect(report.clientSide.reportedCounts.map((r) => [r.host, r.application, r.minimumCount, r.reported, r.computed, r.difference])).toEqual([
      ['kms01.corp.contoso.com', 'Windows', 25, 28, 27, 1],
      ['kms02.corp.contoso.com', 'Windows', 5, 7, 5, 2],
    ]);
    expect(report.clientSide.findings.map((f) => [f.kind, f.host])).toEqual([['count-differs', 'kms02.corp.contoso.com']]);
  });
});
