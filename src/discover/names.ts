import { isIP } from 'node:net';

/** A name as DNS answers compare it: lower case, no trailing dot. */
export function canonicalName(name: string): string {
  return name.trim().replace(/\.$/, '').toLowerCase();
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** A host or domain name we may ask about: labels of letters, digits, `-` and `_`, 253 characters at most. */
export function isDnsName(name: string): boolean {
  const canonical = canonicalName(name);
  return canonical.length > 0 && canonical.length <= 253 && isIP(canonical) === 0 && canonical.split('.').every((label) => LABEL.test(label));
}

/**
 * The DNS suffixes of fully qualified names: `kms1.corp.contoso.com` → `corp.contoso.com` (what follows
 * the first label), lower case, each once, sorted. Single-label names, IP addresses and names that are
 * not DNS names give none.
 */
export function discoveryDomains(names: string[]): string[] {
  const domains = new Set<string>();
  for (const name of names) {
    const canonical = canonicalName(name);
    if (!isDnsName(canonical)) continue;
    const dot = canonical.indexOf('.');
    if (dot > 0) domains.add(canonical.slice(dot + 1));
  }
  return [...domains].sort();
}
