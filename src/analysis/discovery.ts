/**
 * The stored discovery check (`kmswatch discover`) as the report shows it, and what it says beside
 * the logs (docs/definitions.md "discovery findings"). Pure: client-side-report.ts reads the store.
 */
import type { DiscoveryCheck, SrvLookup, SrvTargetCheck } from '../discover/index.js';
import type { HostActivityRow, HostEventCountRow } from '../store/types.js';
import { isoMinute, plural } from './duration.js';
import { clientList, sortFindings } from './findings.js';
import { canonicalAddress, type HostIdentity, type HostMatcher } from './kms-host-match.js';
import {
  lookupFailedRemedy,
  missingRecordRemedy,
  publishedIdleRemedy,
  rogueHostRemedy,
  targetUnreachableRemedy,
  targetUnresolvedRemedy,
  unpublishedHostRemedy,
  weightSkewRemedy,
} from './remedies.js';
import { DAY_MS, HOUR_MS, iso } from './time.js';
import type { ClientSideHost, DiscoveryDomainReport, DiscoveryFinding, DiscoveryRecordReport, DiscoveryReport } from './types.js';

/** 12293 events this long before the check are named beside a missing record. */
export const DNS_FAILURE_LOOKBACK_DAYS = 7;
/** At the lowest priority with two or more records, one record taking this share or more is a skew. */
export const WEIGHT_SKEW_SHARE = 0.8;

export interface DiscoveryInputs {
  check: DiscoveryCheck;
  matcher: HostMatcher;
  idleHours: number;
  /** store.hostActivity(check.checkedAt): which collected hosts served requests before the check. */
  activityAtCheck: readonly HostActivityRow[];
  /** store.hostEventCounts(check.checkedAt): the hosts' 12293 DNS publishing failures. */
  hostEventsAtCheck: readonly HostEventCountRow[];
  /** Names of the client machines seen in the window (12290 requests and the clients' own events). */
  clientMachines: readonly string[];
  /** The hosts clients named in their 12288s (who used a rogue SRV target). */
  clientHosts: readonly ClientSideHost[];
}

export function discoveryNote(seenFrom: string): string {
  return `Seen from ${seenFrom}, not from a client's network: a firewall between clients and the host is not tested.`;
}

export function describeDiscovery(input: DiscoveryInputs): DiscoveryReport {
  const { check } = input;
  const identities = new Map<SrvTargetCheck, HostIdentity>();
  for (const d of check.domains) for (const r of d.records) identities.set(r, input.matcher.byName(r.target, r.cnames));
  const domains = check.domains.map((d) => domainReport(d, identities));
  const findings: DiscoveryFinding[] = [];
  for (const d of check.domains) findings.push(...domainFindings(d, identities, input));
  findings.push(...unpublishedFindings(identities, input));
  return {
    checkedAt: iso(check.checkedAt),
    seenFrom: check.seenFrom,
    note: discoveryNote(check.seenFrom),
    dnsServers: [...check.dnsServers],
    timeoutMs: check.timeoutMs,
    domains,
    findings: sortFindings(findings),
  };
}

/** Weight ÷ the sum of weights of the records of the same priority; equal shares when all weights are 0. */
export function srvShares(records: readonly Pick<SrvTargetCheck, 'priority' | 'weight'>[]): number[] {
  return records.map((r) => {
    const peers = records.filter((p) => p.priority === r.priority);
    const sum = peers.reduce((n, p) => n + p.weight, 0);
    return sum === 0 ? 1 / peers.length : r.weight / sum;
  });
}

function domainReport(d: SrvLookup, identities: ReadonlyMap<SrvTargetCheck, HostIdentity>): DiscoveryDomainReport {
  const shares = srvShares(d.records);
  return {
    domain: d.domain,
    name: d.name,
    dnsServer: d.dnsServer,
    status: d.status,
    detail: d.detail,
    failure: d.failure,
    tookMs: d.tookMs,
    records: d.records.map((r, i): DiscoveryRecordReport => {
      const identity = identities.get(r)!;
      return {
        target: r.target,
        port: r.port,
        priority: r.priority,
        weight: r.weight,
        ttl: r.ttl,
        share: shares[i],
        host: identity.host,
        status: identity.status,
        cnames: [...r.cnames],
        resolveStatus: r.resolveStatus,
        resolveDetail: r.resolveDetail,
        addresses: r.addresses.map((a) => ({ address: a.address, port: a.port, status: a.status, tookMs: a.tookMs, error: a.error })),
      };
    }),
  };
}

function reachable(r: SrvTargetCheck): boolean {
  return r.addresses.some((a) => a.status === 'reachable');
}

function finding(f: Omit<DiscoveryFinding, 'clients'> & { clients?: string[] }): DiscoveryFinding {
  return { ...f, clients: f.clients ?? [] };
}

function domainFindings(d: SrvLookup, identities: ReadonlyMap<SrvTargetCheck, HostIdentity>, input: DiscoveryInputs): DiscoveryFinding[] {
  const { check } = input;
  const asked = `${d.name} (asked ${d.dnsServer} from ${check.seenFrom} at ${isoMinute(check.checkedAt)})`;
  if (d.status === 'failed') {
    return [finding({
      kind: 'lookup-failed', severity: 'warning', host: null, domain: d.domain,
      text: `The lookup of ${asked} failed (${d.failure ?? 'error'}${d.detail ? `: ${d.detail}` : ''}): the check could not tell whether the record exists.`,
      remedy: lookupFailedRemedy(d.domain, d.dnsServer, check.seenFrom),
    })];
  }
  if (d.status === 'no-record') return [missingRecordFinding(d, asked, input)];

  const out: DiscoveryFinding[] = [];
  const anyReachable = d.records.some(reachable);
  const severityIfAlone = anyReachable ? 'warning' : 'critical';
  for (const r of d.records) {
    const identity = identities.get(r)!;
    const target = `${r.target}:${r.port}`;
    if (r.resolveStatus === 'failed') {
      out.push(finding({
        kind: 'target-unresolved', severity: 'warning', host: identity.host ?? r.target, domain: d.domain,
        text: `The check's address lookup of ${r.target} (published in ${d.name}) failed${r.resolveDetail ? ` (${r.resolveDetail})` : ''}: not known whether it has an address.`,
        remedy: targetUnresolvedRemedy(r.target, d.domain),
      }));
    } else if (r.resolveStatus === 'no-address') {
      out.push(finding({
        kind: 'target-unresolved', severity: severityIfAlone, host: identity.host ?? r.target, domain: d.domain,
        text: `${r.target}, published in ${d.name}, has no address${r.resolveDetail ? ` (${r.resolveDetail})` : ''}: clients that pick it cannot reach it` +
          (anyReachable ? '.' : ', and no other target of the domain is reachable.'),
        remedy: targetUnresolvedRemedy(r.target, d.domain),
      }));
    } else if (r.addresses.length > 0 && !reachable(r)) {
      const tried = r.addresses.map((a) => `${a.address} ${a.status}${a.error ? ` (${a.error})` : ''}`).join(', ');
      out.push(finding({
        kind: 'target-unreachable', severity: severityIfAlone, host: identity.host ?? r.target, domain: d.domain,
        text: `${target}, published in ${d.name}, accepted no connection from ${check.seenFrom}: ${tried}` +
          (anyReachable ? '.' : '; no target of the domain is reachable.'),
        remedy: targetUnreachableRemedy(r.target, r.port),
      }));
    }
    // An unknown target that answers nobody (no address, port closed) is a stale record, said above;
    // one that accepts connections or that clients used is a KMS host nobody installed.
    const clientsUsing = identity.status === 'rogue' ? clientsOf(r, input.clientHosts) : [];
    if (identity.status === 'rogue' && (reachable(r) || clientsUsing.length > 0)) {
      out.push(finding({
        kind: 'rogue-host', severity: 'critical', host: r.target, domain: d.domain,
        text: `${d.name} publishes ${target}, which is neither a collected KMS host nor one listed in discover.knownHosts: clients of ${d.domain} are sent to it.`,
        remedy: rogueHostRemedy(r.target),
        clients: clientsUsing,
      }));
    }
    if (identity.status === 'collected' && identity.host !== null) {
      const idle = publishedIdle(identity.host, input);
      if (idle !== null) {
        out.push(finding({
          kind: 'published-idle', severity: 'warning', host: identity.host, domain: d.domain,
          text: `${d.name} sends clients to ${identity.host}, which logged ${idle}.`,
          remedy: publishedIdleRemedy(identity.host),
        }));
      }
    }
  }
  const skew = weightSkew(d);
  if (skew) out.push(skew);
  return out;
}

function missingRecordFinding(d: SrvLookup, asked: string, input: DiscoveryInputs): DiscoveryFinding {
  const suffix = `.${d.domain.toLowerCase()}`;
  const clients = input.clientMachines.filter((m) => m.toLowerCase().endsWith(suffix));
  const since = input.check.checkedAt - DNS_FAILURE_LOOKBACK_DAYS * DAY_MS;
  const failures = input.hostEventsAtCheck.filter(
    (e) => e.type === 'dns-publish-failed' && e.lastAt >= since &&
      (e.host.toLowerCase().endsWith(suffix) || e.lastDomain?.toLowerCase() === d.domain.toLowerCase()),
  );
  const hosts = new Map<string, string>();
  for (const a of input.activityAtCheck) if (a.host.toLowerCase().endsWith(suffix)) hosts.set(a.host.toLowerCase(), a.host);
  for (const e of failures) hosts.set(e.host.toLowerCase(), e.host);
  const distinct = clientList(clients);
  const who = clients.length > 0
    ? ` ${plural(new Set(clients.map((c) => c.toLowerCase())).size, 'client')} of ${d.domain} asked for activation in the window: new ones cannot find a KMS host by DNS.`
    : ` No client of ${d.domain} was seen in the window.`;
  const dns = failures.length > 0
    ? ` DNS publishing failed in the ${DNS_FAILURE_LOOKBACK_DAYS} days before the check: ` +
      failures.map((e) => `${e.host} logged 12293${e.lastResultHex ? ` (${e.lastResultHex})` : ''} at ${isoMinute(e.lastAt)}`).join('; ') + '.'
    : '';
  return finding({
    kind: 'missing-record', severity: clients.length > 0 ? 'critical' : 'warning', host: null, domain: d.domain,
    text: `${asked} has no SRV record${d.detail ? ` (${d.detail})` : ''}.${who}${dns}`,
    remedy: missingRecordRemedy(d.domain, [...hosts.values()].sort()),
    clients: distinct,
  });
}

/** Why a published collected host counts as idle at the check, or null when it served requests. */
function publishedIdle(host: string, input: DiscoveryInputs): string | null {
  const row = input.activityAtCheck.find((a) => a.host.toLowerCase() === host.toLowerCase());
  // nothing stored up to the check: its log starts later, it cannot be judged
  if (!row) return null;
  if (row.lastRequestAt === null) return 'no request before the check';
  if (input.check.checkedAt - row.lastRequestAt <= input.idleHours * HOUR_MS) return null;
  return `no request in the ${plural(input.idleHours, 'hour')} before the check (the last at ${isoMinute(row.lastRequestAt)})`;
}

function weightSkew(d: SrvLookup): DiscoveryFinding | null {
  const priorities = [...new Set(d.records.map((r) => r.priority))].sort((a, b) => a - b);
  const priority = priorities.find((p) => d.records.filter((r) => r.priority === p).length >= 2);
  if (priority === undefined) return null;
  const shares = srvShares(d.records);
  const i = d.records.findIndex((r, k) => r.priority === priority && shares[k] >= WEIGHT_SKEW_SHARE);
  if (i < 0) return null;
  const r = d.records[i];
  const peers = d.records.filter((p) => p.priority === priority).length;
  return finding({
    kind: 'weight-skew', severity: 'info', host: r.target, domain: d.domain,
    text: `${r.target} gets ${Math.round(shares[i] * 100)}% of the clients of ${d.name} among the ${peers} records of priority ${priority} (weight ${r.weight}).`,
    remedy: weightSkewRemedy(d.domain),
  });
}

/** Collected hosts that served requests in the idle window before the check and no answered lookup publishes. */
function unpublishedFindings(identities: ReadonlyMap<SrvTargetCheck, HostIdentity>, input: DiscoveryInputs): DiscoveryFinding[] {
  const answered = input.check.domains.filter((d) => d.status !== 'failed');
  if (answered.length === 0) return [];
  const published = new Set<string>();
  for (const d of answered) for (const r of d.records) {
    const host = identities.get(r)!.host;
    if (host !== null) published.add(host.toLowerCase());
  }
  const since = input.check.checkedAt - input.idleHours * HOUR_MS;
  const domains = answered.map((d) => d.domain).join(', ');
  return input.activityAtCheck
    .filter((a) => a.lastRequestAt !== null && a.lastRequestAt > since && !published.has(a.host.toLowerCase()))
    .map((a) => finding({
      kind: 'unpublished-host', severity: 'warning', host: a.host, domain: null,
      text: `${a.host} served requests (the last at ${isoMinute(a.lastRequestAt!)}) but no _vlmcs._tcp record of ${domains} names it: clients reach it only by slmgr /skms.`,
      remedy: unpublishedHostRemedy(a.host),
    }));
}

/** The clients that named an SRV target in their 12288s, by name or by one of its addresses. */
function clientsOf(r: SrvTargetCheck, hosts: readonly ClientSideHost[]): string[] {
  const names = new Set([r.target.toLowerCase(), ...r.cnames.map((c) => c.toLowerCase())]);
  const addresses = new Set(r.addresses.map((a) => canonicalAddress(a.address)).filter((a) => a !== null));
  return clientList(
    hosts
      .filter((h) => names.has(h.name) || addresses.has(canonicalAddress(h.name) ?? ''))
      .flatMap((h) => h.clients),
  );
}
