/**
 * Which KMS host a name means: the host a client's 12288 names (`name:port`, `a.b.c.d:1688`,
 * `[::1]:1688`) or an SRV target of a discovery check, matched to the hosts kmswatch knows
 * (docs/definitions.md "KMS host match"): the collected ones (logs stored) and the ones listed in
 * the config (`knownHosts`, logs not collected). Anything else is a rogue host.
 */
import type { DiscoveryCheck } from '../discover/index.js';
import type { KnownHostStatus } from './types.js';

/** A host as a 12288 names it: lower case, without port, brackets or trailing dot. */
export interface NamedKmsHost {
  /** The name or address, lower case (`kms01.contoso.com`, `10.0.0.5`, `fe80::1`). */
  name: string;
  port: number | null;
  /** The address in one canonical spelling (IPv6 expanded) when the name is an IP literal, else null. */
  address: string | null;
}

/** What kmswatch knows of a named host. */
export interface HostIdentity {
  /** The collected or known host it is (stored spelling, or as listed in the config); null when none or ambiguous. */
  host: string | null;
  status: KnownHostStatus;
}

export interface KnownKmsHosts {
  /** Hosts whose logs are stored (hostActivity rows). */
  collected: readonly string[];
  /** Hosts listed in the config (`knownHosts`), names or addresses. */
  known: readonly string[];
  /** The stored discovery check whose resolved addresses identify hosts named by address; null when none. */
  check: DiscoveryCheck | null;
  /**
   * The fleet's own DNS suffixes (of its clients' names and of the checked domains): an FQDN in one
   * of them names the host stored under its first label (`kms01.corp.contoso.com` → `KMS01`, a host
   * whose events give a short computer name). An FQDN elsewhere (`kms01.evil.net`) does not.
   */
  domains?: readonly string[];
}

export interface HostMatcher {
  /** A host name (an SRV target, a name from a 12288) → identity; its CNAME chain may be given too. */
  byName(name: string, aliases?: readonly string[]): HostIdentity;
  /** A parsed 12288 host → identity, by name or by an address the discovery check resolved. */
  byNamed(named: NamedKmsHost): HostIdentity;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Splits a 12288 `kmsHost` field. Empty → null. `[v6]:port` and `v6` (two or more colons, no
 * brackets: no port can be told apart) are IPv6; `name:port` and `a.b.c.d:port` split at the colon.
 */
export function parseKmsHost(text: string): NamedKmsHost | null {
  const t = text.trim();
  if (t === '') return null;
  let host: string;
  let port: number | null = null;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return named(t.slice(1), null);
    host = t.slice(1, close);
    port = portOf(t.slice(close + 1).replace(/^:/, ''));
  } else if (t.indexOf(':') !== t.lastIndexOf(':')) {
    host = t;
  } else {
    const colon = t.indexOf(':');
    host = colon < 0 ? t : t.slice(0, colon);
    port = colon < 0 ? null : portOf(t.slice(colon + 1));
  }
  return named(host, port);
}

function named(host: string, port: number | null): NamedKmsHost {
  const name = host.trim().toLowerCase().replace(/\.$/, '');
  return { name, port, address: canonicalAddress(name) };
}

function portOf(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

/** One spelling per IP address (`fe80::1` and `FE80:0::0001` alike), or null for a name. */
export function canonicalAddress(text: string): string | null {
  const t = text.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = IPV4.exec(t);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((p) => p <= 255) ? parts.join('.') : null;
  }
  return t.includes(':') ? canonicalIpv6(t) : null;
}

function canonicalIpv6(t: string): string | null {
  let text = t;
  // an embedded IPv4 tail (`::ffff:10.0.0.1`) becomes two groups
  const tail = /(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(text);
  if (tail) {
    const v4 = canonicalAddress(tail[1]);
    if (v4 === null) return null;
    const [a, b, c, d] = v4.split('.').map(Number);
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16).toString(16)).join(':');
}

interface Entry {
  shown: string;
  key: string;
  status: 'collected' | 'known';
}

const NO_MATCH: HostIdentity = { host: null, status: 'rogue' };

/**
 * Matching rules, in order: the full name (case-insensitive; addresses in canonical form); then a
 * name without a dot against the first label of the known FQDNs: exactly one → that host, several →
 * no host, but not rogue either (status `collected` when every candidate is, else `known`); then,
 * for an address, the host whose SRV target the discovery check resolved to it (an address two
 * hosts resolved to matches neither). A host both collected and listed is collected.
 */
export function createHostMatcher(known: KnownKmsHosts): HostMatcher {
  const entries = new Map<string, Entry>();
  const add = (name: string, status: Entry['status']) => {
    const key = nameKey(name);
    if (key !== '' && !entries.has(key)) entries.set(key, { shown: name.trim(), key, status });
  };
  for (const h of known.collected) add(h, 'collected');
  for (const h of known.known) add(h, 'known');

  const domains = new Set((known.domains ?? []).map((d) => nameKey(d)));
  const byName = (name: string, aliases: readonly string[] = []): HostIdentity => {
    let fallback: HostIdentity | null = null;
    for (const candidate of [name, ...aliases]) {
      const found = matchOne(entries, nameKey(candidate), domains);
      if (found.host !== null) return found;
      if (found.status !== 'rogue') fallback ??= found;
    }
    return fallback ?? NO_MATCH;
  };

  const addresses = resolvedAddresses(known.check, byName);
  return {
    byName,
    byNamed(named: NamedKmsHost): HostIdentity {
      const direct = matchOne(entries, named.address ?? named.name, domains);
      if (direct.status !== 'rogue' || named.address === null) return direct;
      return addresses.get(named.address) ?? NO_MATCH;
    },
  };
}

function nameKey(name: string): string {
  const t = name.trim().toLowerCase().replace(/\.$/, '');
  return canonicalAddress(t) ?? t;
}

function matchOne(entries: ReadonlyMap<string, Entry>, key: string, domains: ReadonlySet<string>): HostIdentity {
  const exact = entries.get(key);
  if (exact) return { host: exact.shown, status: exact.status };
  if (key === '' || key.includes(':')) return NO_MATCH;
  if (key.includes('.')) {
    const dot = key.indexOf('.');
    const short = canonicalAddress(key) === null && domains.has(key.slice(dot + 1)) ? entries.get(key.slice(0, dot)) : undefined;
    return short ? { host: short.shown, status: short.status } : NO_MATCH;
  }
  const fqdns = [...entries.values()].filter((e) => e.key.includes('.') && canonicalAddress(e.key) === null && e.key.slice(0, e.key.indexOf('.')) === key);
  if (fqdns.length === 1) return { host: fqdns[0].shown, status: fqdns[0].status };
  if (fqdns.length > 1) return { host: null, status: fqdns.every((e) => e.status === 'collected') ? 'collected' : 'known' };
  return NO_MATCH;
}

/** Address → the collected or known host whose SRV target resolved to it in the check. */
function resolvedAddresses(check: DiscoveryCheck | null, byName: HostMatcher['byName']): Map<string, HostIdentity> {
  const out = new Map<string, HostIdentity>();
  const ambiguous = new Set<string>();
  for (const domain of check?.domains ?? []) {
    for (const record of domain.records) {
      const identity = byName(record.target, record.cnames);
      if (identity.host === null) continue;
      for (const a of record.addresses) {
        const key = canonicalAddress(a.address);
        if (key === null || ambiguous.has(key)) continue;
        const before = out.get(key);
        if (before && before.host?.toLowerCase() !== identity.host.toLowerCase()) {
          out.delete(key);
          ambiguous.add(key);
        } else out.set(key, identity);
      }
    }
  }
  return out;
}

/** The DNS suffix of a machine's FQDN (`pc1.corp.contoso.com` → `corp.contoso.com`); null for a short name or an address. */
export function dnsSuffix(name: string): string | null {
  const key = name.trim().toLowerCase().replace(/\.$/, '');
  const dot = key.indexOf('.');
  // an IPv6 address has colons; an IPv4 one is four numbers (a report asks this of every client)
  if (dot < 0 || dot === key.length - 1 || key.includes(':') || IPV4.test(key)) return null;
  return key.slice(dot + 1);
}

