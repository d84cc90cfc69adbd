import type { ClientRow, Store } from '../store/types.js';
import { clientOverview } from '../store/client-overview.js';
import { overviewBounds, summarizeOverview } from './clients.js';
import { clientSideSections } from './client-side-report.js';
import { describeClones } from './clones.js';
import { withDamage } from './damaged.js';
import { computeCounts } from './counts.js';
import { withCoverage } from './coverage.js';
import { describeFailures } from './failures.js';
import { withHostAliases } from './host-aliases.js';
import { describeHosts } from './hosts.js';
import { countedClients } from './counted.js';
import { belowThreshold, describeHealth } from './health.js';
import { newestOf } from './newest.js';
import { staleNotice } from './stale.js';
import { EXPIRING_DAYS, IDLE_HOURS, WINDOW_DAYS, iso, isoOrNull, windowStart } from './time.js';
import { foldUnknownProducts } from './unknown-products.js';
import type { AnomalyReport, CountReport, LogClearReport, ProductReport, Report } from './types.js';

export type { Report } from './types.js';

export interface ReportOptions {
  /** The instant everything is relative to, epoch ms. */
  at: number;
  /** IANA zone the times were read in and are shown in; the report names it. */
  timezone: string;
  idleHours?: number;
  expiringDays?: number;
  /** How many anomalies to list (newest first); the total is always counted. */
  anomalyLimit?: number;
  /**
   * KMS hosts listed in the config (`discover.knownHosts`) whose logs are not collected: clients
   * naming them, and SRV records publishing them, are not rogue (docs/definitions.md "rogue host").
   */
  knownHosts?: string[];
  /**
   * Whether clients.lapsed lists the lapsed clients (default true) or only counts them
   * (clients.lapsedCount): the dashboard's overview and /metrics need the number, and on data that
   * ended weeks ago every client is lapsed (200 k rows at 10 M requests).
   */
  listLapsed?: boolean;
  /**
   * Whether the report reads its products section (default true); false leaves it empty. The
   * dashboard's overview lists the products' names only (Store.productsSeen): their counts group
   * every client per product (85 ms at 200 k clients).
   */
  products?: boolean;
}

/** Computes the report (numbers pinned in docs/definitions.md); rendering is src/report's job. */
export async function buildReport(store: Store, options: ReportOptions): Promise<Report> {
  const { at, timezone } = options;
  const idleHours = options.idleHours ?? IDLE_HOURS;
  const expiringDays = options.expiringDays ?? EXPIRING_DAYS;
  const anomalyLimit = options.anomalyLimit ?? 100;
  const from = windowStart(at);

  const [totals, activity, windowActive, windowCounts, clones, failures, clients, products, anomalies, hostEvents, logClears] = await Promise.all([
    store.totals(at),
    store.hostActivity(at),
    store.windowActive(from, at),
    store.windowCounts(from, at),
    store.clones(at),
    store.failures(from, at),
    clientOverview(store, at, { ...overviewBounds(at, expiringDays), listLapsed: options.listLapsed !== false }),
    options.products === false ? [] : store.products(at),
    store.anomalies(at, anomalyLimit),
    store.hostEventCounts(at),
    store.logClears(),
  ]);

  const clearsUpToAt = logClears.filter((c) => c.detectedAt <= at);
  const hosts = await withCoverage(store, await withHostAliases(store, describeHosts({ activity, events: hostEvents, logClears: clearsUpToAt, counts: computeCounts(windowActive, windowCounts) }, at, idleHours)), from, at);
  const folded = foldUnknownProducts(windowActive, windowCounts);
  const foldedCounts = computeCounts(folded.active, folded.counts);
  const newest = newestOf(activity, hostEvents, at);
  // every client's latest request (200 k rows at 10 M requests) is read only where an answer names
  // them: a count below its threshold (who waits, where more could come from), client-side events
  let latest: Promise<ClientRow[]> | null = null;
  const latestClients = () => (latest ??= store.latestClients(at));
  const { discovery, clientSide } = await clientSideSections(store, {
    at, from, idleHours, knownHosts: options.knownHosts ?? [], activity, clients: latestClients,
  });
  const threshold = highestThreshold(foldedCounts);
  return withDamage(store, {
    at: iso(at),
    timezone,
    idleHours,
    window: { from: iso(from), to: iso(at), days: WINDOW_DAYS },
    totals: { ...totals, anomalies: anomalies.total },
    hosts,
    clones: describeClones(clones),
    failures: describeFailures(failures),
    clients: summarizeOverview(clients, at, expiringDays),
    products: products.map(
      (p): ProductReport => ({
        activationId: p.activationId,
        product: p.productName,
        application: p.application,
        clients: p.clients,
        requests: p.requests,
        lastSeen: iso(p.lastSeen),
      }),
    ),
    anomalies: anomalies.rows.map((a): AnomalyReport => ({ ...a, time: iso(a.time) })),
    anomalyLimit,
    logClears: clearsUpToAt.map(
      (c): LogClearReport => ({
        host: c.host,
        channel: c.channel,
        epoch: c.epoch,
        detectedAt: iso(c.detectedAt),
        previousLastRecordId: c.previousLastRecordId,
        firstRecordId: c.firstRecordId,
      }),
    ),
    health: describeHealth({
      at,
      idleHours,
      hosts,
      counts: foldedCounts,
      counted: await countedClients(store, from, at, threshold),
      clients: belowThreshold(foldedCounts) ? await latestClients() : [],
    }),
    newestEventAt: isoOrNull(newest),
    stale: staleNotice(newest, at, idleHours),
    discovery,
    clientSide,
  }, from, at);
}

/** The highest minimum count any host is asked for in the window: how many last successes a margin needs. */
function highestThreshold(counts: ReadonlyMap<string, readonly CountReport[]>): number {
  let highest = 0;
  for (const list of counts.values()) for (const c of list) highest = Math.max(highest, c.thresholds[0]?.minimum ?? 0);
  return highest;
}
