import { countedClients, type CountedClient } from '../analysis/counted.js';
import { foldUnknownProducts } from '../analysis/unknown-products.js';
import type {
  AnomalyRow,
  ClientRow,
  CloneRow,
  FailureRow,
  HostActivityRow,
  HostEventCountRow,
  Store,
  WindowActiveRow,
  WindowCountRow,
} from '../store/types.js';
import type { AlertRulesConfig } from './config.js';
import { hostsOf, partialCounts } from '../analysis/coverage.js';
import { gatherDamage, type AlertDamage } from './damaged.js';
import { COUNT_WINDOW_MS } from './forecast.js';
import { lowCounts } from './rules/low-count.js';
import { clientSideSections } from '../analysis/client-side-report.js';
import type { DiscoveryFinding } from '../analysis/types.js';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const ANOMALY_ROWS = 500;
export type { CountedClient } from '../analysis/counted.js';

/** Everything the rules read, fetched once per evaluation. Rules are pure functions of this. */
export interface AlertFacts {
  at: number;
  /** The window's counts, unknown products folded in where their application is certain (src/analysis/unknown-products.ts). */
  active: WindowActiveRow[];
  thresholds: WindowCountRow[];
  hosts: HostActivityRow[];
  hostEvents: HostEventCountRow[];
  clones: CloneRow[];
  /** Failures in the failure-spike window. */
  failures: FailureRow[];
  /**
   * Latest request per (CMID, application), time ≤ at, of the clients a rule can name (clientsTheRulesName):
   * every client when a count is low (who waits, where more could come from), else those in
   * notification, expiring within the rule's days, of unknown products, cloned or failing in the spike window.
   */
  clients: ClientRow[];
  /** Anomalies in the anomaly look-back, newest first (at most 500). */
  anomalies: AnomalyRow[];
  counted: CountedClient[];
  /** What came from damaged EVTX chunks, and the hosts and clones that rest on it (src/alerts/damaged.ts). */
  damage: AlertDamage;
  /** Whether a host's counts are partial: its stored log does not cover the window (docs/definitions.md). */
  partial: (host: string) => boolean;
  /** Findings of the newest discovery check and of the clients' own events (empty when the rule is off). */
  discoveryFindings: DiscoveryFinding[];
}

export async function gatherFacts(store: Store, at: number, rules: AlertRulesConfig): Promise<AlertFacts> {
  const from = at - COUNT_WINDOW_MS;
  const [active, thresholds, hosts, hostEvents, clones, failures, anomalies] = await Promise.all([
    store.windowActive(from, at),
    store.windowCounts(from, at),
    store.hostActivity(at),
    store.hostEventCounts(at),
    store.clones(at),
    store.failures(at - rules.failureSpike.hours * HOUR, at),
    store.anomalies(at, ANOMALY_ROWS),
  ]);
  const since = at - rules.anomalies.lookbackDays * DAY;
  const counts = foldUnknownProducts(active, thresholds);
  const clients = await clientsTheRulesName(store, at, rules, counts, clones, failures);
  return {
    at,
    active: counts.active,
    thresholds: counts.counts,
    hosts,
    hostEvents,
    clones,
    failures,
    clients,
    anomalies: anomalies.rows.filter((a) => a.time > since),
    counted: await forecastClients(store, at, rules, counts.counts),
    damage: await gatherDamage(store, at, hosts, hostEvents, clones),
    partial: partialCounts(await store.coverage(hostsOf(hosts)), from, at),
    discoveryFindings: rules.discovery.enabled ? await discoveryFindings(store, at, from, rules, hosts, () => store.latestClients(at)) : [],
  };
}

/**
 * What the count forecast reads (AlertFacts.counted): the newest counted successes per host and
 * application, as many as the highest minimum count asked for in the window (`thresholds`, unknown
 * products folded in; read when not given); none when the forecast rule is off.
 */
export async function forecastClients(store: Store, at: number, rules: AlertRulesConfig, thresholds?: readonly WindowCountRow[]): Promise<CountedClient[]> {
  if (!rules.forecast.enabled) return [];
  const from = at - COUNT_WINDOW_MS;
  let counts = thresholds;
  if (counts === undefined) {
    const [active, perMinimum] = await Promise.all([store.windowActive(from, at), store.windowCounts(from, at)]);
    counts = foldUnknownProducts(active, perMinimum).counts;
  }
  return countedClients(store, from, at, Math.max(0, ...counts.map((t) => t.minimumCount)));
}

/** The report's discovery and client-side findings at `at` (src/analysis/client-side-report.ts). */
async function discoveryFindings(
  store: Store,
  at: number,
  from: number,
  rules: AlertRulesConfig,
  activity: readonly HostActivityRow[],
  clients: () => Promise<readonly ClientRow[]>,
): Promise<DiscoveryFinding[]> {
  const { discovery, clientSide } = await clientSideSections(store, {
    at, from, idleHours: rules.idleHost.hours, knownHosts: rules.discovery.knownHosts, activity, clients,
  });
  return [...(discovery?.findings ?? []), ...clientSide.findings];
}


/**
 * The clients the rules can name (AlertFacts.clients). A low count (below its minimum plus the
 * rule's margin) names every client that waits on it and counts where more could come from, so it
 * reads them all; otherwise only the selected ones are read (Store.selectedClients).
 */
async function clientsTheRulesName(
  store: Store,
  at: number,
  rules: AlertRulesConfig,
  counts: { active: WindowActiveRow[]; counts: WindowCountRow[] },
  clones: readonly CloneRow[],
  failures: readonly FailureRow[],
): Promise<ClientRow[]> {
  if (rules.lowCount.enabled && lowCounts(counts.active, counts.counts, rules.lowCount.margin).length > 0) return store.latestClients(at);
  return store.selectedClients(at, {
    licenseStates: rules.notification.enabled ? [NOTIFICATION] : [],
    expiringBy: rules.expiring.enabled ? at + rules.expiring.days * DAY : undefined,
    unknownProducts: rules.unknownProduct.enabled,
    cmids: [...(rules.clone.enabled ? clones.map((c) => c.cmid) : []), ...(rules.failureSpike.enabled ? failures.map((f) => f.cmid) : [])],
  });
}

/** License state 5 (kms-events.md §3.1). */
const NOTIFICATION = 5;
