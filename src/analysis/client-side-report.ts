/**
 * The store reads behind the report's `discovery` and `clientSide` sections; the rules themselves
 * are pure (client-pairing.ts, client-side.ts, discovery.ts, kms-host-match.ts).
 */
import type { DiscoveryCheck } from '../discover/index.js';
import { sharedWithin } from '../store/shared-reads.js';
import type { ClientRow, HostActivityRow, Store } from '../store/types.js';
import { describeClientSide, reportedCount, reportedCountCandidates, type ReportedCountCandidate } from './client-side.js';
import { computeCounts } from './counts.js';
import { spansByHost } from './coverage.js';
import { describeDiscovery } from './discovery.js';
import { FINDING_CLIENT_LIMIT } from './findings.js';
import { createHostMatcher, dnsSuffix } from './kms-host-match.js';
import { windowStart } from './time.js';
import type { ClientSideReport, DiscoveryReport, ReportedCount } from './types.js';
import { foldUnknownProducts } from './unknown-products.js';

export interface ClientSideSectionsInput {
  at: number;
  /** The window's start (at − 30 d). */
  from: number;
  idleHours: number;
  /** Hosts listed in the config whose logs are not collected. */
  knownHosts: readonly string[];
  /** store.hostActivity(at): the collected hosts. */
  activity: readonly HostActivityRow[];
  /** store.latestClients(at): client machines, for the domains they are in; read only when there are client events or a check. */
  clients: () => Promise<readonly ClientRow[]>;
  /** A check to compare instead of the newest stored one (`kmswatch discover --no-save`). */
  check?: DiscoveryCheck;
}

export function clientSideSections(
  store: Store,
  input: ClientSideSectionsInput,
): Promise<{ discovery: DiscoveryReport | null; clientSide: ClientSideReport }> {
  // the dashboard's overview builds the report and runs the alert rules, both asking for these at
  // once: within one answer (withSharedReads) they are computed once. `clients` is every client's
  // latest request at `at` for both; a given check (discover --no-save) is never shared.
  if (input.check !== undefined) return computeClientSide(store, input);
  const key = JSON.stringify(['clientSideSections', input.at, input.from, input.idleHours, [...input.knownHosts].sort()]);
  return sharedWithin(store, key, () => computeClientSide(store, input));
}

async function computeClientSide(
  store: Store,
  input: ClientSideSectionsInput,
): Promise<{ discovery: DiscoveryReport | null; clientSide: ClientSideReport }> {
  const [check, facts, kept] = await Promise.all([
    input.check ?? store.latestDiscovery(input.at),
    store.clientSideFacts(input.from, input.at, FINDING_CLIENT_LIMIT),
    storedKnownHosts(store),
  ]);
  const knownHosts = [...new Set([...input.knownHosts, ...kept])];
  // without client events or a check no host is matched and no client named: every client not read
  const clients = facts.requests + facts.responses > 0 || check !== null ? await input.clients() : [];
  const suffixes = [...clients.map((c) => c.machine), ...facts.computers].map(dnsSuffix);
  const domains = [...new Set([...suffixes.filter((d): d is string => d !== null), ...(check?.domains.map((d) => d.domain) ?? [])])];
  const matcher = createHostMatcher({ collected: input.activity.map((a) => a.host), known: knownHosts, check, domains });
  const reported = await withComputedCounts(store, reportedCountCandidates(facts.reported, matcher));
  const clientSide = await describeClientSide({
    facts, matcher, checkStored: check !== null, reported,
    clientsNaming: (kmsHosts) => store.clientsNaming(input.from, input.at, kmsHosts, FINDING_CLIENT_LIMIT),
  });
  if (check === null) return { discovery: null, clientSide };

  const [activityAtCheck, hostEventsAtCheck] = await Promise.all([store.hostActivity(check.checkedAt), store.hostEventCounts(check.checkedAt)]);
  // the computers as host_names shows them (facts.computers are their keys), for the findings' client lists
  const named = await store.clientsNaming(input.from, input.at, facts.named.map((n) => n.kmsHost), Number.MAX_SAFE_INTEGER);
  const clientMachines = [
    ...clients.filter((c) => c.lastSeen > input.from).map((c) => c.machine),
    ...named.clients,
  ];
  const discovery = describeDiscovery({
    check, matcher, idleHours: input.idleHours, activityAtCheck, hostEventsAtCheck, clientMachines, clientHosts: clientSide.hosts,
  });
  return { discovery, clientSide };
}

/**
 * kmswatch's current count (capped, unknown products folded in as for health) for each candidate's
 * host and application over the 30 days up to the 12289's time; 0 when the log counts nothing then.
 */
async function withComputedCounts(store: Store, candidates: readonly ReportedCountCandidate[]): Promise<ReportedCount[]> {
  if (candidates.length === 0) return [];
  const byTime = new Map<number, Promise<ReturnType<typeof computeCounts>>>();
  const countsAt = (t: number) => {
    let p = byTime.get(t);
    if (!p) {
      const from = windowStart(t);
      p = Promise.all([store.windowActive(from, t), store.windowCounts(from, t)]).then(([active, counts]) => {
        const folded = foldUnknownProducts(active, counts);
        return computeCounts(folded.active, folded.counts);
      });
      byTime.set(t, p);
    }
    return p;
  };
  // the coverage of the candidates' hosts (a fleet's client computers have stretches too), indexed once
  const partial = spansByHost(await store.coverage([...new Set(candidates.map((c) => c.host))]));
  const out: ReportedCount[] = [];
  for (const c of candidates) {
    const counts = await countsAt(c.reportedAt);
    const current = counts.get(c.host.toLowerCase())?.find((r) => r.application === c.application)?.current ?? 0;
    out.push(reportedCount(c, current, partial(c.host, windowStart(c.reportedAt), c.reportedAt)));
  }
  return out;
}

/**
 * Store meta key: the `discover.knownHosts` of the config the last writer that read one (collect,
 * watch, discover, demo) ran with, as a JSON array, so that a reader without --config (report,
 * serve, /metrics) tells known hosts from rogue ones as the collector's alerts do.
 */
export const KNOWN_HOSTS_META_KEY = 'discover.known_hosts';

/** The known hosts kept in the store (KNOWN_HOSTS_META_KEY); none when unset or unreadable. */
export async function storedKnownHosts(store: Store): Promise<string[]> {
  const text = store.getMeta ? await store.getMeta(KNOWN_HOSTS_META_KEY) : null;
  if (text === null) return [];
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) ? list.filter((h): h is string => typeof h === 'string' && h.trim() !== '') : [];
  } catch {
    return [];
  }
}

/** Keeps a config's known hosts for the readers (replacing what an earlier config kept). */
export async function keepKnownHosts(store: Store, hosts: readonly string[]): Promise<void> {
  if (store.setMeta) await store.setMeta(KNOWN_HOSTS_META_KEY, JSON.stringify([...new Set(hosts)].sort()));
}

