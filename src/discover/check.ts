import { getServers } from 'node:dns';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DiscoverError } from './errors.js';
import { createLimiter } from './limit.js';
import { canonicalName, isDnsName } from './names.js';
import { compareAddresses, compareSrv } from './order.js';
import { probeTcp } from './probe.js';
import { resolveTarget, type ResolvedTarget } from './resolve-target.js';
import { createResolver } from './resolver.js';
import { formatDnsServer, parseDnsServer } from './servers.js';
import { lookupSrv, srvName, type SrvRecord } from './srv-lookup.js';
import type { AddressCheck, DiscoveryCheck, SrvLookup, SrvTargetCheck } from './types.js';

export const DEFAULT_TIMEOUT_MS = 2000;
/** DNS questions in flight at once, and TCP probes at once: enough to be quick, few enough for a small network. */
const DNS_SLOTS = 16;
const PROBE_SLOTS = 16;

export interface CheckDiscoveryOptions {
  /** DNS suffixes to check, e.g. from discoveryDomains(). */
  domains: string[];
  /** `"ip"` or `"ip:port"`, IPv6 as `"[::1]:53"`; asked in order, the next one only when one fails. Default: node:dns getServers(). */
  dnsServers?: string[];
  /** For each DNS question (per server and transport) and each TCP connection. Default 2000. */
  timeoutMs?: number;
  now?: () => number;
  /** Default: os.hostname(). */
  seenFrom?: string;
}

/**
 * Can clients find and reach a KMS host? For each domain the `_vlmcs._tcp` SRV records, the
 * addresses of each target and a TCP connection to each address and port. Throws DiscoverError for
 * wrong options only; everything the network does is in the result.
 */
export async function checkDiscovery(options: CheckDiscoveryOptions): Promise<DiscoveryCheck> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
    throw new DiscoverError(`bad timeout ${timeoutMs}: expected whole milliseconds from 1 to 600000`, 'DISCOVER_BAD_TIMEOUT', String(timeoutMs));
  }
  const servers = (options.dnsServers ?? getServers()).map(parseDnsServer);
  if (servers.length === 0) throw new DiscoverError('no DNS server to ask: none was given and this machine has none configured', 'DISCOVER_NO_SERVER');
  const domains = [...new Set(options.domains.map(canonicalName))];
  const bad = options.domains.find((domain) => !isDnsName(domain));
  if (bad !== undefined) throw new DiscoverError(`bad domain "${bad}": expected a DNS name such as contoso.com`, 'DISCOVER_BAD_DOMAIN', bad);

  const checkedAt = (options.now ?? Date.now)();
  const resolver = createResolver(servers, timeoutMs, createLimiter(DNS_SLOTS));
  const probeSlots = createLimiter(PROBE_SLOTS);
  // A target or an address:port named by several records or domains is asked and probed once.
  const targets = new Map<string, Promise<ResolvedTarget>>();
  const probes = new Map<string, Promise<AddressCheck>>();
  const resolveOnce = (target: string) => memo(targets, target, () => resolveTarget(resolver, target));
  const probeOnce = (address: string, family: 4 | 6, port: number) =>
    memo(probes, `${address} ${port}`, () => probeSlots.run(() => probeTcp(address, family, port, timeoutMs)));

  const checkRecord = async (record: SrvRecord): Promise<SrvTargetCheck> => {
    const base = { target: record.target, port: record.port, priority: record.priority, weight: record.weight, ttl: record.ttl };
    if (record.target === '') {
      return { ...base, cnames: [], resolveStatus: 'no-address', resolveDetail: 'target "." (RFC 2782: the service is not offered)', addresses: [] };
    }
    const resolved = await resolveOnce(record.target);
    const ordered = [...resolved.addresses].sort((a, b) => compareAddresses(a.address, b.address));
    const addresses = await Promise.all(ordered.map(({ address, family }) => probeOnce(address, family, record.port)));
    return { ...base, cnames: resolved.cnames, resolveStatus: resolved.status, resolveDetail: resolved.detail, addresses };
  };

  const checkDomain = async (domain: string): Promise<SrvLookup> => {
    const started = performance.now();
    const srv = await lookupSrv(resolver, domain);
    const tookMs = Math.round(performance.now() - started);
    const records = await Promise.all([...srv.records].sort(compareSrv).map(checkRecord));
    return { domain, name: srvName(domain), dnsServer: srv.dnsServer, status: srv.status, detail: srv.detail, failure: srv.failure, records, tookMs };
  };

  return {
    checkedAt,
    seenFrom: options.seenFrom ?? hostname(),
    dnsServers: servers.map(formatDnsServer),
    timeoutMs,
    domains: await Promise.all(domains.map(checkDomain)),
  };
}

function memo<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = make();
    cache.set(key, value);
  }
  return value;
}
