import { checkDiscovery, discoveryDomains, type DiscoveryCheck } from '../discover/index.js';
import { storedHostNames } from '../store/host-names.js';
import type { Store } from '../store/types.js';

const DAY = 24 * 3600 * 1000;
/** Clients named in the last 30 days look up their own DNS suffix: those suffixes are checked. */
const CLIENT_NAMES_DAYS = 30;

export interface DiscoveryRunOptions {
  /** The domains to check (domainsToCheck). */
  domains: readonly string[];
  dnsServers: readonly string[];
  timeoutMs: number;
  now?: () => number;
}

/**
 * The domains a check asks: those given, and the DNS suffixes of the stored KMS hosts and of the
 * clients seen in the last 30 days (their requests and their own events), lower case, sorted.
 */
export async function domainsToCheck(store: Store | null, given: readonly string[], at: number): Promise<string[]> {
  const names: string[] = [];
  if (store) {
    const from = at - CLIENT_NAMES_DAYS * DAY;
    const [hosts, clients, events] = await Promise.all([storedHostNames(store), store.latestClients(at), store.clientEvents(from, at)]);
    names.push(...hosts, ...clients.filter((c) => c.lastSeen > from).map((c) => c.machine), ...events.map((e) => e.computer));
  }
  const domains = new Set(discoveryDomains(names));
  for (const d of given) domains.add(d.trim().replace(/\.$/, '').toLowerCase());
  return [...domains].filter(Boolean).sort();
}

/** Runs one check; stores it when `save` and a writable store are given. */
export async function runDiscovery(store: Store | null, opts: DiscoveryRunOptions & { save: boolean }): Promise<{ check: DiscoveryCheck; saved: boolean }> {
  const check = await checkDiscovery({
    domains: [...opts.domains],
    dnsServers: opts.dnsServers.length ? [...opts.dnsServers] : undefined,
    timeoutMs: opts.timeoutMs,
    now: opts.now,
  });
  if (opts.save && store) await store.saveDiscovery(check);
  return { check, saved: Boolean(opts.save && store) };
}
