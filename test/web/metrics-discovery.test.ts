/**
 * Issue 27 on /metrics: kms_srv_records{domain}, kms_discovery_lookup_failed{domain},
 * kms_host_reachable{host,address,port}, kms_discovery_check_timestamp_seconds and
 * kms_clients_unanswered, read from the registry's own text output after an update with hand-built
 * report values (test/report/discovery-fixture.ts).
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/analysis/types.js';
import { createMetrics } from '../../src/web/metrics.js';
import { HOSTILE_TARGET, clientSide, discoveryCheck, emptyReport } from '../report/discovery-fixture.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Sample lines of the text format (`name{a="x",b="y"} value`); HELP/TYPE lines are returned apart. */
function parse(text: string): { samples: Sample[]; types: Set<string> } {
  const samples: Sample[] = [];
  const types = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) gauge$/.exec(line);
    if (type) types.add(type[1]);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, line).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const l of (m![2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m![1], labels, value: Number(m![3]) });
  }
  return { samples, types };
}

async function scrape(report: Report, registry = new Registry(), metrics = createMetrics(registry, '0.0.0')): Promise<Sample[]> {
  metrics.update({ report, failures: [], duplicateCmids: new Map(), collectorLastSuccess: null });
  return parse(await registry.metrics()).samples;
}

const of = (samples: Sample[], name: string) => samples.filter((s) => s.name === name);

describe('discovery metrics', () => {
  it('counts SRV records per domain, 0 for a domain without one, and says a failed lookup instead of a count', async () => {
    const samples = await scrape(emptyReport({ discovery: discoveryCheck(), clientSide: clientSide() }));
    // contoso.com: 2 records; fabrikam.com: NXDOMAIN = 0; corp.local: failed, no count
    expect(of(samples, 'kms_srv_records').map((s) => [s.labels.domain, s.value]).sort()).toEqual([['contoso.com', 2], ['fabrikam.com', 0]]);
    expect(of(samples, 'kms_discovery_lookup_failed').map((s) => [s.labels.domain, s.value]).sort()).toEqual([['contoso.com', 0], ['corp.local', 1], ['fabrikam.com', 0]]);
  });

  it('gives each tested address of a published host 1 when reachable, 0 when not', async () => {
    const samples = await scrape(emptyReport({ discovery: discoveryCheck() }));
    expect(of(samples, 'kms_host_reachable').map((s) => s.labels).sort((a, b) => a.address.localeCompare(b.address))).toEqual([
      { host: 'kms01.contoso.com', address: '10.0.0.5', port: '1688' },
      { host: HOSTILE_TARGET, address: '203.0.113.9', port: '1688' },
    ]);
    expect(of(samples, 'kms_host_reachable').find((s) => s.labels.address === '10.0.0.5')?.value).toBe(1);
    expect(of(samples, 'kms_host_reachable').find((s) => s.labels.address === '203.0.113.9')?.value).toBe(0);
  });

  it('reads a host published in two domains as unreachable when one of its connections failed', async () => {
    const check = discoveryCheck();
    const kms01 = check.domains[0].records[0];
    // the refused connection comes first: a later success must not hide it
    const again = { ...check.domains[0], domain: 'sub.contoso.com', records: [{ ...kms01, addresses: [{ ...kms01.addresses[0], status: 'refused' as const, error: 'ECONNREFUSED' }] }] };
    const samples = await scrape(emptyReport({ discovery: { ...check, domains: [again, ...check.domains] } }));
    const series = of(samples, 'kms_host_reachable').filter((s) => s.labels.address === '10.0.0.5');
    expect(series).toHaveLength(1);
    expect(series[0].value).toBe(0);
  });

  it('gives the time of the check and the unanswered clients', async () => {
    const samples = await scrape(emptyReport({ discovery: discoveryCheck(), clientSide: clientSide() }));
    // 2026-12-07T10:00:00Z = 1796637600 s (date -u -d 2026-12-07T10:00:00Z +%s)
    expect(of(samples, 'kms_discovery_check_timestamp_seconds')).toEqual([{ name: 'kms_discovery_check_timestamp_seconds', labels: {}, value: 1796637600 }]);
    // 13 clients that tried kms02 + LAPTOP-9 (0xC004F074), no host label
    expect(of(samples, 'kms_clients_unanswered')).toEqual([{ name: 'kms_clients_unanswered', labels: {}, value: 14 }]);
  });

  it('leaves the series out when no check is stored and no client event is collected, also after a scrape that had them', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry, '0.0.0');
    await scrape(emptyReport({ discovery: discoveryCheck(), clientSide: clientSide() }), registry, metrics);
    const samples = await scrape(emptyReport(), registry, metrics);
    for (const name of ['kms_srv_records', 'kms_discovery_lookup_failed', 'kms_host_reachable', 'kms_discovery_check_timestamp_seconds', 'kms_clients_unanswered']) {
      expect(of(samples, name), name).toEqual([]);
    }
    // still declared (HELP/TYPE), as every family of the registry
    const { types } = parse(await registry.metrics());
    expect(types.has('kms_discovery_check_timestamp_seconds')).toBe(true);
    expect(types.has('kms_clients_unanswered')).toBe(true);
  });

  it('gives 0 unanswered clients when client events are collected and every client got an answer', async () => {
    const samples = await scrape(emptyReport({ clientSide: { ...clientSide(), unanswered: [] } }));
    expect(of(samples, 'kms_clients_unanswered').map((s) => s.value)).toEqual([0]);
  });
});
