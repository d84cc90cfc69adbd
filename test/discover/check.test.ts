/**
 * checkDiscovery against real sockets on this machine only: DNS servers from test/helpers/dns-server.ts
 * (dns2 on 127.0.0.1), TCP targets from test/helpers/silent-listener.ts. Every expected value below is
 * read off the zone written in this file, not taken from a run.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDiscovery, type DiscoveryCheck, type SrvLookup } from '../../src/discover/index.js';
import { closedUdpServer, startDnsServer, startSilentDnsServer, type TestDnsServer, type ZoneRecord } from '../helpers/dns-server.js';
import { closedTcpPort, startListener, startSilentListener, type Listener, type SilentListener } from '../helpers/silent-listener.js';

const TIMEOUT = 400;
/** Scheduling slack on a shared two-core machine, for "within the time limit". */
const SLACK = 250;

let dual: Listener; // 127.0.0.1 and ::1, same port
let plain: Listener; // 127.0.0.1
let silent: SilentListener;
let closedPort: number;
let main: TestDnsServer;
let zone: ZoneRecord[];

const srv = (name: string, target: string, port: number, priority: number, weight: number, ttl: number): ZoneRecord => ({ name, type: 'SRV', ttl, target, port, priority, weight });
const a = (name: string, address: string, ttl = 300): ZoneRecord => ({ name, type: 'A', ttl, address });
const aaaa = (name: string, address: string, ttl = 300): ZoneRecord => ({ name, type: 'AAAA', ttl, address });
const cname = (name: string, target: string, ttl = 300): ZoneRecord => ({ name, type: 'CNAME', ttl, target });

/** c0 → c1 → … → c<n> (n CNAMEs), c<n> has A 127.0.0.1. */
function chain(prefix: string, n: number): ZoneRecord[] {
  const records: ZoneRecord[] = [];
  for (let i = 0; i < n; i++) records.push(cname(`${prefix}${i}.loops.test`, `${prefix}${i + 1}.loops.test`));
  records.push(a(`${prefix}${n}.loops.test`, '127.0.0.1'));
  return records;
}

beforeAll(async () => {
  [dual, plain, silent, closedPort] = await Promise.all([startListener({ ipv6: true }), startListener(), startSilentListener(), closedTcpPort()]);
  zone = [
    // corp.test: five targets, listed out of order on purpose.
    srv('_vlmcs._tcp.corp.test', 'kms2.corp.test', plain.port, 10, 50, 600),
    srv('_vlmcs._tcp.corp.test', 'gone.corp.test', 1688, 30, 0, 60),
    srv('_vlmcs._tcp.corp.test', 'KMS1.Corp.Test.', dual.port, 0, 100, 3600),
    srv('_vlmcs._tcp.corp.test', 'silent.corp.test', silent.port, 20, 0, 120),
    srv('_vlmcs._tcp.corp.test', 'closed.corp.test', closedPort, 10, 80, 300),
    a('kms1.corp.test', '127.0.0.1'),
    aaaa('kms1.corp.test', '::1'),
    cname('kms2.corp.test', 'alias1.corp.test'),
    cname('alias1.corp.test', 'alias2.corp.test'),
    a('alias2.corp.test', '127.0.0.1'),
    a('closed.corp.test', '127.0.0.1'),
    a('silent.corp.test', '127.0.0.1'),
    // NOERROR without SRV: the name exists with another type only.
    a('_vlmcs._tcp.nodata.test', '127.0.0.9'),
    // CNAME trouble and a target that exists without addresses.
    srv('_vlmcs._tcp.loops.test', 'loop1.loops.test', 1688, 0, 0, 300),
    srv('_vlmcs._tcp.loops.test', 'eight0.loops.test', plain.port, 1, 0, 300),
    srv('_vlmcs._tcp.loops.test', 'nine0.loops.test', 1688, 2, 0, 300),
    srv('_vlmcs._tcp.loops.test', 'bare.loops.test', 1688, 3, 0, 300),
    srv('_vlmcs._tcp.loops.test', 'hang.loops.test', 1688, 4, 0, 300),
    cname('loop1.loops.test', 'loop2.loops.test'),
    cname('loop2.loops.test', 'loop1.loops.test'),
    ...chain('eight', 8),
    ...chain('nine', 9),
    srv('bare.loops.test', 'elsewhere.test', 1, 0, 0, 1),
    // RFC 2782: a target of "." says the service is decidedly not offered in this domain.
    srv('_vlmcs._tcp.none.test', '.', 0, 0, 0, 3600),
    // Several addresses to order: numeric, not text, order (127.0.0.10 after 127.0.0.3).
    srv('_vlmcs._tcp.order.test', 'many.order.test', plain.port, 0, 0, 300),
    a('many.order.test', '127.0.0.10'),
    aaaa('many.order.test', '::1'),
    a('many.order.test', '127.0.0.3'),
    a('many.order.test', '127.0.0.1'),
    // Twelve SRV records with 50-character first labels: over 512 bytes, so truncated over UDP.
    ...Array.from({ length: 12 }, (_, i) => srv('_vlmcs._tcp.big.test', `kms-${String(i).padStart(2, '0')}-${'x'.repeat(43)}.big.test`, 1688, 0, i, 900)),
  ];
  main = await startDnsServer({
    records: zone,
    servfail: ['_vlmcs._tcp.broken.test'],
    refused: ['_vlmcs._tcp.refused.test'],
    garbage: ['_vlmcs._tcp.garbage.test'],
    silent: ['_vlmcs._tcp.silent.test', 'hang.loops.test'],
    wrongId: ['_vlmcs._tcp.spoofed.test'],
  });
});

afterAll(async () => {
  await Promise.all([dual?.close(), plain?.close(), silent?.close(), main?.close()]);
});

const run = (domains: string[], dnsServers = [main.server]): Promise<DiscoveryCheck> => checkDiscovery({ domains, dnsServers, timeoutMs: TIMEOUT, seenFrom: 'tester' });
const lookup = async (domain: string, dnsServers?: string[]): Promise<SrvLookup> => (await run([domain], dnsServers)).domains[0];

describe('checkDiscovery: SRV records and targets', () => {
  it('reports each record with its port, priority, weight and TTL, in the order clients try them', async () => {
    const started = Date.now();
    const check = await checkDiscovery({ domains: ['Corp.Test.'], dnsServers: [main.server], timeoutMs: TIMEOUT, now: () => 1_700_000_000_000 });
    expect(check.checkedAt).toBe(1_700_000_000_000);
    expect(check.seenFrom).toBe(hostname());
    expect(check.dnsServers).toEqual([main.server]);
    expect(check.timeoutMs).toBe(TIMEOUT);
    const [corp] = check.domains;
    expect(corp).toMatchObject({ domain: 'corp.test', name: '_vlmcs._tcp.corp.test', dnsServer: main.server, status: 'found', detail: null, failure: null });
    // Priority ascending, then weight descending: (0,100) (10,80) (10,50) (20,0) (30,0).
    expect(corp.records.map((r) => [r.target, r.port, r.priority, r.weight, r.ttl])).toEqual([
      ['kms1.corp.test', dual.port, 0, 100, 3600],
      ['closed.corp.test', closedPort, 10, 80, 300],
      ['kms2.corp.test', plain.port, 10, 50, 600],
      ['silent.corp.test', silent.port, 20, 0, 120],
      ['gone.corp.test', 1688, 30, 0, 60],
    ]);
    // The silent target's probe is the slowest part and runs alongside the others.
    expect(Date.now() - started).toBeLessThan(TIMEOUT * 2 + SLACK);
  });

  it('probes a target with A and AAAA on both addresses, IPv4 first', async () => {
    const kms1 = (await lookup('corp.test')).records[0];
    expect(kms1).toMatchObject({ target: 'kms1.corp.test', cnames: [], resolveStatus: 'resolved', resolveDetail: null });
    expect(kms1.addresses.map((x) => [x.address, x.family, x.port, x.status, x.error])).toEqual([
      ['127.0.0.1', 4, dual.port, 'reachable', null],
      ['::1', 6, dual.port, 'reachable', null],
    ]);
  });

  it('follows a CNAME chain carried in the answer', async () => {
    const kms2 = (await lookup('corp.test')).records[2];
    expect(kms2.target).toBe('kms2.corp.test');
    expect(kms2.cnames).toEqual(['alias1.corp.test', 'alias2.corp.test']);
    expect(kms2.resolveStatus).toBe('resolved');
    expect(kms2.addresses.map((x) => [x.address, x.status])).toEqual([['127.0.0.1', 'reachable']]);
  });

  it('asks again for the end of a chain when the answer stops at a CNAME', async () => {
    const shallow = await startDnsServer({ records: zone, followCnames: false });
    try {
      const kms2 = (await lookup('corp.test', [shallow.server])).records[2];
      expect(kms2.cnames).toEqual(['alias1.corp.test', 'alias2.corp.test']);
      expect(kms2.addresses.map((x) => x.address)).toEqual(['127.0.0.1']);
      const asked = shallow.questions.filter((q) => q.type === 'A').map((q) => q.name);
      expect(asked).toEqual(expect.arrayContaining(['kms2.corp.test', 'alias1.corp.test', 'alias2.corp.test']));
    } finally {
      await shallow.close();
    }
  });

  it('tells reachable, refused and timed-out ports apart', async () => {
    const records = (await lookup('corp.test')).records;
    const [closed] = records[1].addresses;
    expect(closed).toMatchObject({ address: '127.0.0.1', port: closedPort, status: 'refused', error: 'ECONNREFUSED' });
    const [hung] = records[3].addresses;
    expect(hung).toMatchObject({ address: '127.0.0.1', port: silent.port, status: 'timeout', error: null });
    expect(hung.tookMs).toBeGreaterThanOrEqual(TIMEOUT - 5);
    expect(hung.tookMs).toBeLessThan(TIMEOUT + SLACK);
    expect(records[0].addresses[0].tookMs).toBeLessThan(TIMEOUT);
  });

  it('reports a target whose name does not exist as no-address, with nothing probed', async () => {
    const gone = (await lookup('corp.test')).records[4];
    expect(gone).toMatchObject({ target: 'gone.corp.test', resolveStatus: 'no-address', resolveDetail: 'NXDOMAIN', addresses: [] });
  });

  it('reports a "." target as not offered, with nothing asked or probed', async () => {
    const before = main.questions.length;
    const none = await lookup('none.test');
    expect(none.status).toBe('found');
    expect(none.records).toEqual([
      { target: '', port: 0, priority: 0, weight: 0, ttl: 3600, cnames: [], resolveStatus: 'no-address', resolveDetail: 'target "." (RFC 2782: the service is not offered)', addresses: [] },
    ]);
    expect(main.questions.slice(before).map((q) => q.type)).toEqual(['SRV']);
  });

  it('orders addresses numerically, IPv4 before IPv6', async () => {
    const [many] = (await lookup('order.test')).records;
    // Zone order 127.0.0.10, ::1, 127.0.0.3, 127.0.0.1; only 127.0.0.1 listens on that port.
    expect(many.addresses.map((x) => [x.address, x.status])).toEqual([
      ['127.0.0.1', 'reachable'],
      ['127.0.0.3', 'refused'],
      ['127.0.0.10', 'refused'],
      ['::1', 'refused'],
    ]);
  });

  it('stops at a CNAME loop, at more than 8 CNAMEs, and on a target lookup that times out', async () => {
    const started = Date.now();
    const loops = await lookup('loops.test');
    expect(Date.now() - started).toBeLessThan(TIMEOUT * 2 + SLACK);
    const byTarget = Object.fromEntries(loops.records.map((r) => [r.target, r]));
    expect(byTarget['loop1.loops.test']).toMatchObject({
      resolveStatus: 'failed',
      resolveDetail: expect.stringContaining('CNAME loop: loop1.loops.test → loop2.loops.test → loop1.loops.test'),
      addresses: [],
    });
    // eight0 → … → eight8 is 8 CNAMEs: allowed. nine0 → … → nine9 is 9: refused.
    expect(byTarget['eight0.loops.test'].cnames).toHaveLength(8);
    expect(byTarget['eight0.loops.test'].addresses.map((x) => x.status)).toEqual(['reachable']);
    expect(byTarget['nine0.loops.test']).toMatchObject({ resolveStatus: 'failed', resolveDetail: expect.stringContaining('CNAME chain longer than 8') });
    expect(byTarget['bare.loops.test']).toMatchObject({ resolveStatus: 'no-address', resolveDetail: 'no A or AAAA record (NOERROR)' });
    expect(byTarget['hang.loops.test']).toMatchObject({ resolveStatus: 'failed', resolveDetail: `A: timed out after ${TIMEOUT} ms; AAAA: timed out after ${TIMEOUT} ms` });
  });

  it('asks again over TCP when the UDP answer is truncated', async () => {
    const before = main.questions.length;
    const big = await lookup('big.test');
    expect(big.status).toBe('found');
    expect(big.records).toHaveLength(12);
    // Equal priority: weight descending, 11 down to 0.
    expect(big.records.map((r) => r.weight)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(big.records[0]).toMatchObject({ target: `kms-11-${'x'.repeat(43)}.big.test`, ttl: 900 });
    const srvQuestions = main.questions.slice(before).filter((q) => q.type === 'SRV');
    expect(srvQuestions.map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });
});

describe('checkDiscovery: SRV lookup outcomes', () => {
  it('NXDOMAIN and NOERROR without SRV are no-record', async () => {
    const check = await run(['missing.test', 'nodata.test']);
    expect(check.domains.map((d) => [d.domain, d.status, d.detail, d.failure, d.records])).toEqual([
      ['missing.test', 'no-record', 'NXDOMAIN', null, []],
      ['nodata.test', 'no-record', 'no SRV record (NOERROR)', null, []],
    ]);
  });

  it('SERVFAIL, REFUSED and an undecodable answer are failures, never no-record', async () => {
    const check = await run(['broken.test', 'refused.test', 'garbage.test']);
    expect(check.domains.map((d) => [d.domain, d.status, d.failure])).toEqual([
      ['broken.test', 'failed', 'servfail'],
      ['refused.test', 'failed', 'refused'],
      ['garbage.test', 'failed', 'malformed'],
    ]);
    expect(check.domains[0].detail).toBe('SERVFAIL');
  });

  it('a name the server never answers fails as timeout within the time limit', async () => {
    const started = Date.now();
    const hung = await lookup('silent.test');
    expect(Date.now() - started).toBeLessThan(TIMEOUT + SLACK);
    expect(hung).toMatchObject({ status: 'failed', failure: 'timeout', detail: `timed out after ${TIMEOUT} ms`, records: [] });
    expect(hung.tookMs).toBeGreaterThanOrEqual(TIMEOUT - 5);
  });

  it('an answer with another id is not taken: the question times out', async () => {
    const spoofed = await lookup('spoofed.test');
    expect(spoofed).toMatchObject({ status: 'failed', failure: 'timeout', records: [] });
  });

  it('a DNS server that never answers fails as timeout', async () => {
    const mute = await startSilentDnsServer();
    try {
      const started = Date.now();
      const result = await lookup('corp.test', [mute.server]);
      expect(Date.now() - started).toBeLessThan(TIMEOUT + SLACK);
      expect(result).toMatchObject({ status: 'failed', failure: 'timeout', dnsServer: mute.server });
      expect(mute.received()).toBe(1);
    } finally {
      await mute.close();
    }
  });

  it('a DNS server on a closed UDP port is unreachable at once (Linux reports the ICMP port unreachable)', async () => {
    const closed = await closedUdpServer();
    const result = await lookup('corp.test', [closed]);
    expect(result).toMatchObject({ status: 'failed', failure: 'unreachable', detail: 'port unreachable (ECONNREFUSED)', dnsServer: closed });
    expect(result.tookMs).toBeLessThan(TIMEOUT);
  });
});

describe('checkDiscovery: several DNS servers', () => {
  it('falls back to the next server when one fails, and names the one that answered', async () => {
    const closed = await closedUdpServer();
    const failing = await startDnsServer({ records: [], servfail: ['_vlmcs._tcp.corp.test'] });
    try {
      const check = await run(['corp.test'], [closed, failing.server, main.server]);
      expect(check.dnsServers).toEqual([closed, failing.server, main.server]);
      const [corp] = check.domains;
      expect(corp).toMatchObject({ status: 'found', dnsServer: main.server });
      expect(corp.records.map((r) => r.target)).toEqual(['kms1.corp.test', 'closed.corp.test', 'kms2.corp.test', 'silent.corp.test', 'gone.corp.test']);
      // The targets are resolved the same way: the second server knows none of them, and answers SERVFAIL only for the SRV name.
      expect(corp.records[0].resolveStatus).toBe('no-address');
    } finally {
      await failing.close();
    }
  });

  it('does not ask the next server after an NXDOMAIN', async () => {
    const other = await startDnsServer({ records: [srv('_vlmcs._tcp.missing.test', 'kms.missing.test', 1688, 0, 0, 60)] });
    try {
      const result = await lookup('missing.test', [main.server, other.server]);
      expect(result).toMatchObject({ status: 'no-record', detail: 'NXDOMAIN', dnsServer: main.server });
      expect(other.questions).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('when every server fails, the detail names each and the failure is the last one', async () => {
    const closed = await closedUdpServer();
    const mute = await startSilentDnsServer();
    try {
      const result = await lookup('corp.test', [closed, mute.server]);
      expect(result).toMatchObject({
        status: 'failed',
        failure: 'timeout',
        dnsServer: mute.server,
        detail: `${closed}: port unreachable (ECONNREFUSED); ${mute.server}: timed out after ${TIMEOUT} ms`,
      });
    } finally {
      await mute.close();
    }
  });
});
