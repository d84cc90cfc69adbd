import { lookupProduct } from '../kms/products.js';
import type { KmsApplication } from '../kms/types.js';
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
import { partialCounts } from '../analysis/coverage.js';
import { gatherDamage, type AlertDamage } from './damaged.js';
import { COUNT_WINDOW_MS } from './forecast.js';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const ANOMALY_ROWS = 500;
/** Clients whose history is read to find their last success (one query each); beyond that they are left out. */
const MAX_HISTORY_LOOKUPS = 500;

/** A CMID counted by a host for one application, with its last counted (0x0) request. */
export interface CountedClient {
  host: string;
  application: KmsApplication;
  cmid: string;
  lastSeen: number;
}

/** Everything the rules read, fetched once per evaluation. Rules are pure functions of this. */
export interface AlertFacts {
  at: number;
  active: WindowActiveRow[];
  thresholds: WindowCountRow[];
  hosts: HostActivityRow[];
  hostEvents: HostEventCountRow[];
  clones: CloneRow[];
  /** Failures in the failure-spike window. */
  failures: FailureRow[];
  /** Latest request per (CMID, application), time ≤ at. */
  clients: ClientRow[];
  /** Anomalies in the anomaly look-back, newest first (at most 500). */
  anomalies: AnomalyRow[];
  counted: CountedClient[];
  /** What came from damaged EVTX chunks, and the hosts and clones that rest on it (src/alerts/damaged.ts). */
  damage: AlertDamage;
  /** Whether a host's counts are partial: its stored log does not cover the window (docs/definitions.md). */
  partial: (host: string) => boolean;
}

export async function gatherFacts(store: Store, at: number, rules: AlertRulesConfig): Promise<AlertFacts> {
  const from = at - COUNT_WINDOW_MS;
  const [active, thresholds, hosts, hostEvents, clones, failures, clients, anomalies] = await Promise.all([
    store.windowActive(from, at),
    store.windowCounts(from, at),
    store.hostActivity(at),
    store.hostEventCounts(at),
    store.clones(at),
    store.failures(at - rules.failureSpike.hours * HOUR, at),
    store.latestClients(at),
    store.anomalies(at, ANOMALY_ROWS),
  ]);
  const since = at - rules.anomalies.lookbackDays * DAY;
  return {
    at,
    active,
    thresholds,
    hosts,
    hostEvents,
    clones,
    failures,
    clients,
    anomalies: anomalies.rows.filter((a) => a.time > since),
    counted: rules.forecast.enabled ? await countedClients(store, clients, from, at) : [],
    damage: await gatherDamage(store, at, hosts, hostEvents, clones),
    partial: partialCounts(await store.coverage(), from, at),
  };
}

/**
 * Last counted request per (host, application, CMID) in (from, at]. Clients whose latest request
 * succeeded give it directly; for the few whose latest request failed, their history is read to
 * find the last success (at most MAX_HISTORY_LOOKUPS of them, newest first). A CMID counted by two
 * hosts is listed under the host of its latest success only, and a CMID left out is missing: a
 * forecast can come out early, never late.
 */
async function countedClients(store: Store, clients: ClientRow[], from: number, at: number): Promise<CountedClient[]> {
  const out: CountedClient[] = [];
  const failedLast: ClientRow[] = [];
  for (const c of clients) {
    if (c.lastSeen <= from) continue;
    if (c.result === 0) out.push({ host: c.host, application: c.application, cmid: c.cmid, lastSeen: c.lastSeen });
    else failedLast.push(c);
  }
  failedLast.sort((a, b) => b.lastSeen - a.lastSeen);
  for (const c of failedLast.slice(0, MAX_HISTORY_LOOKUPS)) {
    const history = await store.clientRequests(c.cmid, 200);
    const success = history.find(
      (r) => r.resultHex === '0x0' && r.time > from && r.time <= at && lookupProduct(r.activationId).application === c.application,
    );
    if (success) out.push({ host: success.host, application: c.application, cmid: c.cmid, lastSeen: success.time });
  }
  return out;
}
