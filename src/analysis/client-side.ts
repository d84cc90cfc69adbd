/**
 * What the clients' own events say (docs/definitions.md "client side"): which hosts they name in
 * their 12288s, which got no answer, and the counts the hosts returned in 12289s beside the counts
 * kmswatch derives from the hosts' logs. Pure: the store calls are in client-side-report.ts.
 */
import { lookupProduct } from '../kms/products.js';
import { formatHresult } from '../kms/codes.js';
import type { ClientReportedFacts, ClientSideFacts, ClientsNaming, ClientUnansweredFacts } from '../store/types.js';
import { intOf, NOT_CONTACTED, PAIRING_WINDOW_MINUTES } from './client-pairing.js';
import { countedApplication } from './count-sources.js';
import { plural, isoMinute } from './duration.js';
import { clientList, sortFindings } from './findings.js';
import { parseKmsHost, type HostIdentity, type HostMatcher, type NamedKmsHost } from './kms-host-match.js';
import {
  countDiffersRemedy,
  rogueHostRemedy,
  unansweredClientsRemedy,
  uncollectedHostRemedy,
} from './remedies.js';
import { iso } from './time.js';
import type { ClientSideHost, ClientSideReport, DiscoveryFinding, ReportedCount, UnansweredClient } from './types.js';

/** The host's count and kmswatch's may differ by one: client and host clocks, a request at the window's edge. */
export const COUNT_TOLERANCE = 1;

export interface ClientSideInputs {
  /** Store.clientSideFacts of the window, as of its end. */
  facts: ClientSideFacts;
  matcher: HostMatcher;
  /** A discovery check is stored: an address it did not resolve to a known host is then a rogue host for sure. */
  checkStored: boolean;
  /** reportedCountCandidates with kmswatch's count filled in (client-side-report.ts). */
  reported: readonly ReportedCount[];
  /** Store.clientsNaming over the window: the computers of hosts named in more than one spelling. */
  clientsNaming(kmsHosts: readonly (string | null)[]): Promise<ClientsNaming>;
}

/** A 12289 count to compare: everything of a ReportedCount but kmswatch's own count. */
export type ReportedCountCandidate = Omit<ReportedCount, 'computed' | 'difference' | 'reportedAt' | 'partial'> & { reportedAt: number };

interface Target {
  named: NamedKmsHost | null;
  identity: HostIdentity;
}

function targetOf(kmsHost: string | null, matcher: HostMatcher): Target {
  const named = parseKmsHost(kmsHost ?? '');
  return { named, identity: named ? matcher.byNamed(named) : { host: null, status: 'rogue' } };
}

/**
 * Per collected host, application and minimum count, the newest answered 12288 whose 12289 carries
 * a count (result 0x0 or 0xC004F038; Store.clientSideFacts `reported`). The application is the
 * Activation ID's, or for an unknown one the application its minimum count makes certain
 * (count-sources.ts); otherwise left out.
 */
export function reportedCountCandidates(reported: readonly ClientReportedFacts[], matcher: HostMatcher): ReportedCountCandidate[] {
  const newest = new Map<string, ReportedCountCandidate>();
  for (const r of reported) {
    const { identity } = targetOf(r.kmsHost, matcher);
    if (identity.status !== 'collected' || identity.host === null) continue;
    const count = intOf(r.currentCount);
    const minimumCount = intOf(r.minimumCount);
    if (count === null || minimumCount === null) continue;
    const application = countedApplication({ application: lookupProduct(r.activationId ?? '').application, minimumCount });
    if (application === null) continue;
    const key = `${identity.host.toLowerCase()}\u0000${application}\u0000${minimumCount}`;
    const before = newest.get(key);
    if (before && before.reportedAt > r.answerTime) continue;
    newest.set(key, { host: identity.host, application, minimumCount, reportedAt: r.answerTime, machine: r.computer, reported: count });
  }
  return [...newest.values()].sort(
    (a, b) => cmp(a.host.toLowerCase(), b.host.toLowerCase()) || cmp(a.application, b.application) || b.minimumCount - a.minimumCount,
  );
}

/** A candidate with kmswatch's count at its time. */
export function reportedCount(c: ReportedCountCandidate, computed: number, partial = false): ReportedCount {
  return { ...c, reportedAt: iso(c.reportedAt), computed, difference: c.reported - computed, partial };
}

export async function describeClientSide(input: ClientSideInputs): Promise<ClientSideReport> {
  const hosts = await describeHosts(input);
  const unanswered = describeUnanswered(input.facts.unanswered, input.matcher);
  return {
    requestsSent: input.facts.requests,
    responses: input.facts.responses,
    machines: input.facts.computers.length,
    pairingWindowMinutes: PAIRING_WINDOW_MINUTES,
    unanswered,
    hosts: hosts.map((h) => h.report),
    reportedCounts: [...input.reported],
    findings: sortFindings([
      ...unansweredFindings(unanswered),
      ...(await hostFindings(hosts, input)),
      ...countFindings(input.reported),
    ]),
  };
}

interface HostTally {
  report: ClientSideHost;
  named: NamedKmsHost;
  /** Every spelling of it the 12288s name. */
  kmsHosts: (string | null)[];
  /** 12288s to it that got no answer (no-response, not-contacted). */
  failed: number;
  /** Its newest 12288's time (`report.lastAt` once all are counted). */
  lastTime: number;
}

/** The computers of some tallies: the facts' own for one spelling, else asked of the store. */
function clientsOf(tallies: readonly HostTally[], input: ClientSideInputs): Promise<ClientsNaming> {
  const kmsHosts = tallies.flatMap((t) => t.kmsHosts);
  const one = kmsHosts.length === 1 ? input.facts.named.find((n) => n.kmsHost === kmsHosts[0]) : undefined;
  return one ? Promise.resolve({ machines: one.machines, clients: one.clients }) : input.clientsNaming(kmsHosts);
}

async function describeHosts(input: ClientSideInputs): Promise<HostTally[]> {
  const byKey = new Map<string, HostTally>();
  for (const n of input.facts.named) {
    const { named, identity } = targetOf(n.kmsHost, input.matcher);
    if (named === null) continue;
    const key = `${named.address ?? named.name}\u0000${named.port}`;
    let t = byKey.get(key);
    if (!t) {
      const report: ClientSideHost = {
        name: named.name, port: named.port, host: identity.host, status: identity.status,
        machines: 0, requests: 0, answered: 0, lastAt: '', clients: [],
      };
      byKey.set(key, (t = { report, named, kmsHosts: [], failed: 0, lastTime: n.lastTime }));
    }
    t.kmsHosts.push(n.kmsHost);
    t.report.requests += n.requests;
    t.report.answered += n.answered;
    t.failed += n.failed;
    t.lastTime = Math.max(t.lastTime, n.lastTime);
  }
  const out = [...byKey.values()];
  for (const t of out) {
    const { machines, clients } = await clientsOf([t], input);
    t.report.lastAt = iso(t.lastTime);
    t.report.machines = machines;
    t.report.clients = clients;
  }
  return out.sort(
    (a, b) => b.report.machines - a.report.machines || b.report.requests - a.report.requests || cmp(a.report.name, b.report.name) || (a.report.port ?? -1) - (b.report.port ?? -1),
  );
}

/**
 * One row per machine whose newest settled 12288 (pending ones left out) got no answer; `attempts`
 * counts all its settled 12288s in the window that got none.
 */
function describeUnanswered(rows: readonly ClientUnansweredFacts[], matcher: HostMatcher): UnansweredClient[] {
  const out = rows.map((u): UnansweredClient => {
    const { named, identity } = targetOf(u.kmsHost, matcher);
    return {
      machine: u.computer,
      hostTried: named === null ? null : (u.kmsHost ?? '').trim(),
      host: identity.host,
      reason: u.outcome,
      result: formatHresult(u.result),
      lastAt: iso(u.time),
      attempts: u.attempts,
    };
  });
  return out.sort((a, b) => cmp(b.lastAt, a.lastAt) || cmp(a.machine.toLowerCase(), b.machine.toLowerCase()));
}

/** One finding per host tried (the known host, else the name as clients wrote it), and one for "no host named". */
function unansweredFindings(unanswered: readonly UnansweredClient[]): DiscoveryFinding[] {
  const groups = new Map<string, { host: string | null; port: number | null; rows: UnansweredClient[] }>();
  for (const u of unanswered) {
    const named = u.hostTried === null ? null : parseKmsHost(u.hostTried);
    const host = u.host ?? named?.name ?? null;
    const key = host?.toLowerCase() ?? '';
    const g = groups.get(key) ?? { host, port: named?.port ?? null, rows: [] };
    g.rows.push(u);
    groups.set(key, g);
  }
  return [...groups.values()].map(({ host, port, rows }) => {
    const notContacted = rows.filter((r) => r.reason === 'not-contacted').length;
    const noResponse = rows.length - notContacted;
    const how = [
      noResponse > 0 ? `${noResponse} unanswered within ${PAIRING_WINDOW_MINUTES} minutes` : null,
      notContacted > 0 ? `${notContacted} failed with ${formatHresult(NOT_CONTACTED)}, no KMS host could be contacted` : null,
    ].filter((s) => s !== null).join('; ');
    const newest = rows.reduce((a, b) => (b.lastAt > a.lastAt ? b : a)).lastAt;
    const who = plural(rows.length, 'client');
    const text = host === null
      ? `${who} named no KMS host in ${rows.length === 1 ? 'its' : 'their'} newest activation request (${how}), the last at ${isoMinute(Date.parse(newest))}.`
      : `${who} got no answer from ${host} to ${rows.length === 1 ? 'its' : 'their'} newest activation request (${how}), the last at ${isoMinute(Date.parse(newest))}.`;
    return {
      kind: 'unanswered-clients' as const,
      severity: 'warning' as const,
      host,
      domain: null,
      text,
      remedy: unansweredClientsRemedy(host, port),
      clients: clientList(rows.map((r) => r.machine)),
    };
  });
}

/** Rogue hosts (per name) and known hosts whose log is not collected (per host). */
async function hostFindings(hosts: readonly HostTally[], input: ClientSideInputs): Promise<DiscoveryFinding[]> {
  const groups = new Map<string, { host: string; status: 'rogue' | 'known'; address: boolean; tallies: HostTally[] }>();
  for (const t of hosts) {
    const { status, host } = t.report;
    if (status === 'collected' || (status === 'known' && host === null)) continue;
    const shown = status === 'rogue' ? t.named.name : host!;
    const key = `${status}\u0000${shown.toLowerCase()}`;
    const g = groups.get(key) ?? { host: shown, status, address: t.named.address !== null, tallies: [] };
    g.tallies.push(t);
    groups.set(key, g);
  }
  const out: DiscoveryFinding[] = [];
  for (const g of groups.values()) {
    const machines = g.tallies.length === 1 ? { machines: g.tallies[0].report.machines, clients: g.tallies[0].report.clients } : await clientsOf(g.tallies, input);
    const requests = g.tallies.reduce((n, t) => n + t.report.requests, 0);
    const answered = g.tallies.reduce((n, t) => n + t.report.answered, 0);
    const failed = g.tallies.reduce((n, t) => n + t.failed, 0);
    const used = `${plural(machines.machines, 'client')} sent it ${plural(requests, 'activation request')} (${answered} answered)`;
    if (g.status === 'rogue') {
      const unproven = g.address && !input.checkStored;
      const what = g.address
        ? `${g.host} is no address of a collected or known KMS host` +
          (unproven ? ' (no discovery check is stored to tell which addresses the KMS hosts have: run kmswatch discover)' : '')
        : `${g.host} is neither a collected KMS host nor one listed in discover.knownHosts`;
      out.push({
        kind: 'rogue-host', severity: unproven ? 'warning' : 'critical', host: g.host, domain: null,
        text: `${what}, yet ${used}.`, remedy: rogueHostRemedy(g.host), clients: machines.clients,
      });
      continue;
    }
    out.push({
      kind: 'uncollected-host', severity: failed > 0 ? 'warning' : 'info', host: g.host, domain: null,
      text: `${g.host} is a known KMS host whose log kmswatch does not collect; ${used}` +
        (failed > 0 ? `; ${failed} got no answer, and without its log kmswatch cannot tell why.` : '.'),
      remedy: uncollectedHostRemedy(g.host),
      clients: machines.clients,
    });
  }
  return out;
}

function countFindings(reported: readonly ReportedCount[]): DiscoveryFinding[] {
  return reported
    .filter((r) => Math.abs(r.difference) > COUNT_TOLERANCE && !(r.partial && r.difference > 0))
    .map((r) => ({
      kind: 'count-differs' as const,
      severity: 'warning' as const,
      host: r.host,
      domain: null,
      text:
        `${r.host} told ${r.machine} its ${r.application} count was ${r.reported} at ${isoMinute(Date.parse(r.reportedAt))} ` +
        `(minimum ${r.minimumCount}); its collected log gives ${r.computed} then: ` +
        `a log cleared or not collected, or another host with the same name.`,
      remedy: countDiffersRemedy(r.host),
      clients: [r.machine],
    }));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
