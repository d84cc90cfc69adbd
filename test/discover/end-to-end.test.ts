/**
 * Issue 27 end to end, on real sockets of this machine only: a DNS server (dns2, test/helpers/dns-server.ts)
 * publishing `_vlmcs._tcp` records whose targets are a listening port, a closed port and a listener that
 * never accepts; `kmswatch discover` through the CLI; then the report, the alerts and /metrics read
 * the stored check beside the hosts' logs and the clients' own 12288/12289 events. Every expected
 * finding is read off the fleet written below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRulesSchema } from '../../src/alerts/config.js';
import { currentAlerts } from '../../src/alerts/run.js';
import { buildReport } from '../../src/analysis/report.js';
import type { DiscoveryReport, Report } from '../../src/analysis/types.js';
import { APPLICATION_CHANNEL, type KmsClientEvent, type KmsRecord } from '../../src/kms/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { AT, DAY, HOUR, MINUTE, hostEvent, req } from '../alerts/records.js';
import { Registry } from 'prom-client';
import { createMetrics, gatherMetrics } from '../../src/web/metrics.js';
import { parseConfigText } from '../../src/alerts/load-config.js';
import { runCollect } from '../../src/collect/collect.js';
import { defaultIngestor } from '../../src/collect/ingestor.js';
import { runCli } from '../cli/helpers.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { closedTcpPort, startListener, startSilentListener, type Listener, type SilentListener } from '../helpers/silent-listener.js';

const TIMEOUT_MS = 400;

let dns: TestDnsServer;
let open: Listener;
let silent: SilentListener;
let closed: number;
let store: Store;
/** The report of `store` after the check (the first describe), as of AT. */
let report: Report;

/** A client's own event as the decoder gives it (src/kms/events/client-events.ts). */
let clientRecordId = 1;
function sent(computer: string, time: number, kmsHost: string, result = 0): KmsClientEvent {
  const hex = result === 0 ? '0x0' : `0x${result.toString(16).toUpperCase()}`;
  return {
    kind: 'client', host: computer, channel: APPLICATION_CHANNEL, eventId: 12288, recordId: clientRecordId++, time, source: 'e2e', result, resultHex: hex,
    fields: {
      result: hex, statusFlags: '0x0', kmsHost, cmid: `cmid-${computer}`, clientTime: '2026/02/28 23:00', vmInfo: '0', licenseState: '1',
      minutesLeft: '249120', activationId: '2de67392-b7a7-462a-b1ca-108dd189f588', minimumCount: '25',
    },
  };
}
function answered(computer: string, time: number, count: number): KmsClientEvent {
  return {
    kind: 'client', host: computer, channel: APPLICATION_CHANNEL, eventId: 12289, recordId: clientRecordId++, time, source: 'e2e', result: 0, resultHex: '0x0',
    fields: { result: '0x0', statusFlags: '0x0', activated: '1', unused: '0', currentCount: String(count), activationInterval: '120', renewalInterval: '10080', clientTime: '2/28/2026 23:00' },
  };
}

beforeAll(async () => {
  [open, silent, closed] = await Promise.all([startListener(), startSilentListener(), closedTcpPort()]);
  dns = await startDnsServer({
    records: [
      // corp.test publishes: kms01 (collected, port open), kms03 (collected, port closed), kms04 (never
      // accepts), vlmcs.corp.test (nobody's KMS host: rogue), ghost (no address).
      { name: '_vlmcs._tcp.corp.test', type: 'SRV', ttl: 900, target: 'kms01.corp.test', port: open.port, priority: 0, weight: 100 },
      { name: '_vlmcs._tcp.corp.test', type: 'SRV', ttl: 900, target: 'kms03.corp.test', port: closed, priority: 0, weight: 0 },
      { name: '_vlmcs._tcp.corp.test', type: 'SRV', ttl: 900, target: 'kms04.corp.test', port: silent.port, priority: 10, weight: 0 },
      { name: '_vlmcs._tcp.corp.test', type: 'SRV', ttl: 900, target: 'vlmcs.corp.test', port: open.port, priority: 10, weight: 0 },
      { name: '_vlmcs._tcp.corp.test', type: 'SRV', ttl: 900, target: 'ghost.corp.test', port: open.port, priority: 20, weight: 0 },
      { name: 'kms01.corp.test', type: 'A', ttl: 300, address: '127.0.0.1' },
      { name: 'kms03.corp.test', type: 'CNAME', ttl: 300, target: 'kms03-real.corp.test' },
      { name: 'kms03-real.corp.test', type: 'A', ttl: 300, address: '127.0.0.1' },
      { name: 'kms04.corp.test', type: 'A', ttl: 300, address: '127.0.0.1' },
      { name: 'vlmcs.corp.test', type: 'A', ttl: 300, address: '127.0.0.1' },
    ],
    // lab.test: no record at all (NXDOMAIN) and its clients activate; broken.test: the server fails.
    servfail: ['_vlmcs._tcp.broken.test'],
  });

  store = createMemoryStore();
  const records: KmsRecord[] = [
    // kms01 and kms02 serve clients of corp.test now; kms02 is published nowhere.
    ...[1, 2, 3].map((i) => req('kms01.corp.test', AT - i * HOUR, `a-${i}`, `pc${i}.corp.test`)),
    ...[1, 2].map((i) => req('kms02.corp.test', AT - i * HOUR, `b-${i}`, `pc${10 + i}.corp.test`)),
    // kms03 last served 3 days ago: published but idle (24 h); kms04 is in the store too (it logged once).
    req('kms03.corp.test', AT - 3 * DAY, 'c-1', 'pc20.corp.test'),
    req('kms04.corp.test', AT - 2 * HOUR, 'd-1', 'pc21.corp.test'),
    // a lab.test client activates through kms01 (so lab.test's missing record matters); kms05 of lab.test failed to publish
    req('kms01.corp.test', AT - 4 * HOUR, 'l-1', 'lab1.lab.test'),
    hostEvent('kms05.lab.test', AT - 2 * DAY, 'dns-publish-failed', { domain: 'lab.test', resultHex: '0x8007232A' }),
    // clients' own events: pc30 and pc31 use a host nobody knows (rogue.example:1688) and get answers;
    // pc32's newest request to kms03 got no answer; pc33 could not contact any host (0xC004F074).
    sent('pc30.corp.test', AT - 2 * HOUR, 'rogue.example:1688'), answered('pc30.corp.test', AT - 2 * HOUR + 3000, 50),
    sent('pc31.corp.test', AT - 3 * HOUR, 'rogue.example:1688'), answered('pc31.corp.test', AT - 3 * HOUR + 3000, 50),
    sent('pc32.corp.test', AT - 5 * HOUR, 'kms03.corp.test:1688'),
    sent('pc33.corp.test', AT - 6 * HOUR, 'kms01.corp.test:1688', 0xc004f074),
  ];
  await store.writeBatch(records);
}, 30_000);

afterAll(async () => {
  await Promise.all([dns?.close(), open?.close(), silent?.close()]);
});

const kinds = (findings: { kind: string; severity: string; host: string | null; domain: string | null }[]) =>
  findings.map((f) => `${f.severity} ${f.kind} ${f.host ?? '-'} ${f.domain ?? '-'}`).sort();

describe('kmswatch discover, then report, alerts and metrics', () => {
  let discovered: { code: number; json: { saved: boolean; discovery: DiscoveryReport }; stderr: string };

  beforeAll(async () => {
    const r = await runCli(
      ['discover', '--domain', 'broken.test', '--dns-server', dns.server, '--timeout', String(TIMEOUT_MS), '--json'],
      { store, now: AT },
    );
    discovered = { code: r.code, json: JSON.parse(r.stdout), stderr: r.stderr };
    report = await buildReport(store, { at: AT, timezone: 'UTC' });
  }, 30_000);

  it('checks the given domain and the suffixes of the stored hosts and clients, and stores the check', () => {
    const { discovery } = discovered.json;
    expect(discovered.json.saved).toBe(true);
    expect(discovery.domains.map((d) => [d.domain, d.status])).toEqual([
      ['broken.test', 'failed'],
      ['corp.test', 'found'],
      ['lab.test', 'no-record'],
    ]);
    expect(discovery.domains[0].failure).toBe('servfail');
    expect(discovery.note).toContain("not from a client's network");
  });

  it('reports each target: reachable, refused, timed out, unresolved; CNAME followed; shares by weight', () => {
    const corp = discovered.json.discovery.domains.find((d) => d.domain === 'corp.test')!;
    const row = (target: string) => corp.records.find((r) => r.target === target)!;
    expect(row('kms01.corp.test').addresses.map((a) => a.status)).toEqual(['reachable']);
    expect(row('kms01.corp.test').ttl).toBe(900);
    // priority 0: weights 100 and 0 → shares 1 and 0
    expect([row('kms01.corp.test').share, row('kms03.corp.test').share]).toEqual([1, 0]);
    expect(row('kms03.corp.test').cnames).toEqual(['kms03-real.corp.test']);
    expect(row('kms03.corp.test').addresses.map((a) => a.status)).toEqual(['refused']);
    expect(row('kms04.corp.test').addresses.map((a) => a.status)).toEqual(['timeout']);
    expect(row('ghost.corp.test').resolveStatus).toBe('no-address');
    expect([row('kms01.corp.test').status, row('vlmcs.corp.test').status]).toEqual(['collected', 'rogue']);
  });

  it('compares the check with the logs: each finding once, a rogue SRV target critical', () => {
    expect(kinds(discovered.json.discovery.findings)).toEqual([
      'critical missing-record - lab.test', // lab1.lab.test activates
      'critical rogue-host vlmcs.corp.test corp.test',
      'info weight-skew kms01.corp.test corp.test', // kms01 takes 100 % of priority 0
      'warning lookup-failed - broken.test',
      'warning published-idle kms03.corp.test corp.test', // last request 3 days before the check
      'warning target-unreachable kms03.corp.test corp.test',
      'warning target-unreachable kms04.corp.test corp.test',
      // ghost is no known host either, but answers nobody: a stale record, not a rogue
      'warning target-unresolved ghost.corp.test corp.test',
      'warning unpublished-host kms02.corp.test -',
    ]);
    const missing = discovered.json.discovery.findings.find((f) => f.kind === 'missing-record')!;
    expect(missing.text).toContain('kms05.lab.test'); // its 12293 two days before
    // a critical finding (and a failed lookup): exit 1
    expect(discovered.code).toBe(1);
  });

  it('the report carries the stored check and the clients\' side', () => {
    expect(report.discovery?.checkedAt).toBe(new Date(AT).toISOString());
    expect(report.discovery?.findings).toEqual(discovered.json.discovery.findings);
    const side = report.clientSide;
    expect([side.requestsSent, side.responses, side.machines]).toEqual([4, 2, 4]);
    expect(side.unanswered.map((u) => [u.machine, u.reason, u.hostTried])).toEqual([
      ['pc32.corp.test', 'no-response', 'kms03.corp.test:1688'],
      ['pc33.corp.test', 'not-contacted', 'kms01.corp.test:1688'],
    ]);
    const rogue = side.hosts.find((h) => h.name === 'rogue.example')!;
    expect([rogue.status, rogue.clients]).toEqual(['rogue', ['pc30.corp.test', 'pc31.corp.test']]);
    expect(side.findings.find((f) => f.kind === 'rogue-host')?.severity).toBe('critical');
  });

  it('every finding is a discovery alert with its remedy; the rogue host pages', async () => {
    const alerts = (await currentAlerts(store, AT, alertRulesSchema.parse({}))).filter((a) => a.rule === 'discovery');
    const ids = alerts.map((a) => a.id);
    expect(ids).toContain('discovery:rogue-host:vlmcs.corp.test:corp.test');
    expect(ids).toContain('discovery:rogue-host:rogue.example');
    expect(ids).toContain('discovery:missing-record:lab.test');
    expect(alerts.find((a) => a.id === 'discovery:rogue-host:rogue.example')?.details.clients).toEqual(['pc30.corp.test', 'pc31.corp.test']);
    expect(alerts.find((a) => a.id === 'discovery:rogue-host:rogue.example')?.severity).toBe('critical');
    for (const a of alerts) expect(a.remedy.length, a.id).toBeGreaterThan(30);
    expect(alerts.length).toBe(report.discovery!.findings.length + report.clientSide.findings.length);
  });

  it('/metrics: SRV records per domain, reachability per target address, the check time, unanswered clients', async () => {
    const registry = new Registry();
    createMetrics(registry, 'test').update(await gatherMetrics(store, AT, 'UTC'));
    const text = await registry.metrics();
    const line = (series: string) => text.split('\n').find((l) => l.startsWith(`${series} `)) ?? `${series} (absent)`;
    expect(line('kms_srv_records{domain="corp.test"}')).toBe('kms_srv_records{domain="corp.test"} 5');
    expect(line('kms_srv_records{domain="lab.test"}')).toBe('kms_srv_records{domain="lab.test"} 0');
    // broken.test: the lookup failed, so no record count is claimed
    expect(line('kms_srv_records{domain="broken.test"}')).toBe('kms_srv_records{domain="broken.test"} (absent)');
    expect(line('kms_discovery_lookup_failed{domain="broken.test"}')).toBe('kms_discovery_lookup_failed{domain="broken.test"} 1');
    expect(line(`kms_host_reachable{host="kms01.corp.test",address="127.0.0.1",port="${open.port}"}`)).toMatch(/ 1$/);
    expect(line(`kms_host_reachable{host="kms03.corp.test",address="127.0.0.1",port="${closed}"}`)).toMatch(/ 0$/);
    expect(line(`kms_host_reachable{host="kms04.corp.test",address="127.0.0.1",port="${silent.port}"}`)).toMatch(/ 0$/);
    expect(line('kms_discovery_check_timestamp_seconds')).toBe(`kms_discovery_check_timestamp_seconds ${AT / 1000}`);
    expect(line('kms_clients_unanswered')).toBe('kms_clients_unanswered 2'); // pc32 and pc33
  });

  it('a host listed in discover.knownHosts is not rogue', async () => {
    const rules = alertRulesSchema.parse({ discovery: { knownHosts: ['rogue.example'] } });
    const ids = (await currentAlerts(store, AT, rules)).map((a) => a.id);
    expect(ids).not.toContain('discovery:rogue-host:rogue.example');
  });

  it('--no-save leaves the store as it was; without any domain to check it is a usage error', async () => {
    const before = await store.latestDiscovery(AT + DAY);
    const r = await runCli(['discover', '--no-save', '--domain', 'lab.test', '--dns-server', dns.server, '--timeout', String(TIMEOUT_MS)], { store, now: AT + HOUR });
    expect(r.stdout).toContain('lab.test');
    expect(await store.latestDiscovery(AT + DAY)).toEqual(before);
    const empty = await runCli(['discover', '--dns-server', dns.server], { store: createMemoryStore(), now: AT });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no domain to check');
  });

  it('a DNS server that is not an address is refused before anything is asked', async () => {
    const r = await runCli(['discover', '--domain', 'corp.test', '--dns-server', 'dns.example'], { store, now: AT + MINUTE });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DISCOVER_BAD_SERVER');
  });
});

describe('collect with discover.collect: true', () => {
  it('checks after the ingest, keeps the check, and the alerts of that run see it', async () => {
    const fresh = createMemoryStore();
    await fresh.writeBatch([req('kms01.corp.test', AT - HOUR, 'a-1', 'pc1.corp.test')]);
    const config = parseConfigText(
      `discover:\n  dnsServers: ["${dns.server}"]\n  timeoutMs: ${TIMEOUT_MS}\n  collect: true\n  knownHosts: [vlmcs.corp.test]\n`,
      'kmswatch.yaml',
    );
    const result = await runCollect(fresh, { ingest: defaultIngestor }, { config, baseDir: '.', timezone: 'UTC', at: AT, now: () => AT });
    // corp.test from the stored host and client names: its 5 records
    expect(result.discovery).toEqual({ domains: ['corp.test'], records: 5, lookupsFailed: 0 });
    expect((await fresh.latestDiscovery(AT))?.domains.map((d) => d.domain)).toEqual(['corp.test']);
    const ids = result.evaluation!.candidates.map((c) => c.id);
    expect(ids).toContain('discovery:target-unreachable:kms03.corp.test:corp.test');
    // listed in knownHosts: not rogue
    expect(ids.filter((id) => id.startsWith('discovery:rogue-host'))).toEqual([]);
    // the collector kept its known hosts: a report without any config agrees with its alerts
    const rogue = (r: Report) => r.discovery!.findings.filter((f) => f.kind === 'rogue-host').map((f) => f.host);
    expect(rogue(await buildReport(fresh, { at: AT, timezone: 'UTC' }))).toEqual([]);
    // a discover run without a config keeps that list; the check it stores is read the same way
    const r = await runCli(['discover', '--dns-server', dns.server, '--timeout', String(TIMEOUT_MS)], { store: fresh, now: AT + MINUTE });
    expect(r.stderr).toBe('');
    expect(rogue(await buildReport(fresh, { at: AT + MINUTE, timezone: 'UTC' }))).toEqual([]);
    // the store that never saw the config: the same target is rogue
    expect(rogue(report)).toEqual(['vlmcs.corp.test']);
  });
});

