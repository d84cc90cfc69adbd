/**
 * What the dashboard's first screen reads (GET /api/overview): the health lines, the stale-data
 * notice, totals, per-host counts, alerts with their remedies and a failures summary, without the
 * client lists of the full report. Pure and browser-safe: the server builds it from buildReport,
 * the offline page from its own report, so both pages show the same overview.
 */
import type {
  ClientSideHost,
  ClientSideReport,
  CountReport,
  DiscoveryDomainReport,
  DiscoveryFinding,
  DiscoveryReport,
  FailureReport,
  HealthLine,
  HostReport,
  ReportedCount,
  Report,
  StaleNotice,
  UnansweredClient,
} from '../analysis/types.js';
import { sortFindings } from '../analysis/findings.js';
import { clientEventsCollected } from '../report/client-events.js';

export interface OverviewProduct {
  activationId: string;
  product: string;
}

/** A failure line of the overview: the report's (the product included). */
export type OverviewFailure = FailureReport;

export interface OverviewHost {
  host: string;
  requests: number;
  lastRequestAt: string | null;
  idle: boolean;
  partial: boolean;
  /** Why the counts are partial, for a reader; null when they are not. */
  partialNote: string | null;
  dnsPublishFailures: number;
  dnsPublishSuccesses: number;
  lastDnsFailureAt: string | null;
  counts: CountReport[];
}

export interface OverviewAlert {
  id: string;
  rule: string;
  severity: 'critical' | 'warning' | 'info';
  host: string | null;
  summary: string;
  /** For a reader: what is wrong, with names and numbers, no internal ids. */
  title: string;
  remedy: string;
  clients: number;
}

export interface Overview {
  at: string;
  timezone: string;
  idleHours: number;
  window: Report['window'];
  newestEventAt: string | null;
  stale: StaleNotice | null;
  health: HealthLine[];
  totals: Report['totals'];
  hosts: OverviewHost[];
  clients: {
    total: number;
    /** Silent for more than 30 days (in `total`, no longer counted by any host). */
    lapsed: number;
    byState: Record<string, number>;
    notificationCount: number;
    graceCount: number;
    overdueCount: number;
    expiring: number;
    expiringDays: number;
  };
  failures: { machines: number; requests: number; rows: OverviewFailure[] };
  /** The products seen up to `at` (the clients table's filter), by name then Activation ID. */
  products: OverviewProduct[];
  clones: number;
  /** null when the source has no alert rules (none evaluated). */
  alerts: OverviewAlert[] | null;
  /** "Can clients find the hosts?": the newest `kmswatch discover` check; null when none is stored. */
  discovery: OverviewDiscovery | null;
  /** What the clients' own 12288/12289 events say, counts and the first unanswered clients. */
  clientSide: OverviewClientSide;
}

/** A finding as the first screen shows it: the first client names and how many there are. */
export interface OverviewFinding extends Omit<DiscoveryFinding, 'clients'> {
  /** The first OVERVIEW_NAMES client machines concerned. */
  clients: string[];
  /** All the client machines the report names (it names at most 100). */
  clientCount: number;
}

export interface OverviewDiscovery {
  checkedAt: string;
  seenFrom: string;
  note: string;
  /** Every domain with its records and each address's reachability (a handful: kept whole). */
  domains: DiscoveryDomainReport[];
  /** Findings that need the check, worst first. */
  findings: OverviewFinding[];
}

/** A host clients name, without its client list. */
export type OverviewClientHost = Omit<ClientSideHost, 'clients'>;

export interface OverviewClientSide {
  /** Whether any 12288 or 12289 is in the window: without them "no unanswered client" says nothing. */
  collected: boolean;
  requestsSent: number;
  responses: number;
  machines: number;
  pairingWindowMinutes: number;
  /** How many clients' newest attempt went unanswered, and the first OVERVIEW_UNANSWERED of them. */
  unansweredCount: number;
  unanswered: UnansweredClient[];
  hosts: OverviewClientHost[];
  /** Counts a host reported to a client that differ from kmswatch's. */
  countsDiffering: ReportedCount[];
  /** Findings from the clients' events alone, worst first. */
  findings: OverviewFinding[];
}

/** At most this many failure lines travel with the overview (most requests first, as the report sorts them). */
export const OVERVIEW_FAILURES = 200;

/** At most this many unanswered clients travel with the overview (the report has them all). */
export const OVERVIEW_UNANSWERED = 50;
/** Client names a finding carries on the overview. */
export const OVERVIEW_NAMES = 10;

/** Worst first (a finding of one severity keeps its place), each with its first client names. */
function overviewFindings(findings: readonly DiscoveryFinding[]): OverviewFinding[] {
  return sortFindings([...findings]).map((f) => ({ ...f, clients: f.clients.slice(0, OVERVIEW_NAMES), clientCount: f.clients.length }));
}

function discoverySummary(d: DiscoveryReport | null | undefined): OverviewDiscovery | null {
  if (!d) return null;
  return { checkedAt: d.checkedAt, seenFrom: d.seenFrom, note: d.note, domains: d.domains, findings: overviewFindings(d.findings) };
}

function clientSideSummary(c: ClientSideReport | undefined): OverviewClientSide {
  // a report from before issue 27 (an offline page's saved JSON) has no client side
  if (!c) return { collected: false, requestsSent: 0, responses: 0, machines: 0, pairingWindowMinutes: 0, unansweredCount: 0, unanswered: [], hosts: [], countsDiffering: [], findings: [] };
  return {
    collected: clientEventsCollected(c),
    requestsSent: c.requestsSent,
    responses: c.responses,
    machines: c.machines,
    pairingWindowMinutes: c.pairingWindowMinutes,
    unansweredCount: c.unanswered.length,
    unanswered: c.unanswered.slice(0, OVERVIEW_UNANSWERED),
    hosts: c.hosts.map(({ clients: _clients, ...h }) => h),
    countsDiffering: c.reportedCounts.filter((r) => r.difference !== 0),
    findings: overviewFindings(c.findings),
  };
}

/** Why a host's counts are partial (docs/definitions.md "partial"). */
export function partialNote(h: HostReport): string | null {
  if (!h.partial) return null;
  const log = h.coverage.find((c) => c.log !== 'Application');
  if (log === undefined) return 'Partial: no request log stored for this host';
  const holes = log.holes.filter((x) => x.kind !== 'before-first-event').length;
  const begins = log.firstEventAt.replace('T', ' ').replace(/:\d{2}\.\d{3}Z$/, ' UTC');
  return `Partial: the stored log begins ${begins}${holes ? ` and has ${holes} hole${holes === 1 ? '' : 's'}` : ''}; the count may be too low`;
}

function hostSummary(h: HostReport): OverviewHost {
  const dnsFailed = h.events.find((e) => e.type === 'dns-publish-failed');
  return {
    host: h.host,
    requests: h.requests,
    lastRequestAt: h.lastRequestAt,
    idle: h.idle,
    partial: h.partial,
    partialNote: partialNote(h),
    dnsPublishFailures: h.dnsPublishFailures,
    dnsPublishSuccesses: h.dnsPublishSuccesses,
    lastDnsFailureAt: dnsFailed?.lastAt ?? null,
    counts: h.counts,
  };
}

/** The products as the overview lists them: by name, then Activation ID. */
function byName(products: readonly OverviewProduct[]): OverviewProduct[] {
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...products].sort((a, b) => order(a.product, b.product) || order(a.activationId, b.activationId));
}

/**
 * The overview of `report`; `products` are the products seen when the report was built without
 * them (the server's overview: ReportOptions.products), else the report's are listed.
 */
export function overviewFromReport(
  report: Report,
  alerts: OverviewAlert[] | null,
  products: readonly OverviewProduct[] = report.products,
): Overview {
  const c = report.clients;
  return {
    at: report.at,
    timezone: report.timezone,
    idleHours: report.idleHours,
    window: report.window,
    newestEventAt: report.newestEventAt ?? null,
    stale: report.stale ?? null,
    health: report.health ?? [],
    totals: report.totals,
    hosts: report.hosts.map(hostSummary),
    clients: {
      total: c.total,
      lapsed: c.lapsedCount,
      byState: c.byState,
      notificationCount: c.notificationCount,
      graceCount: c.graceCount,
      overdueCount: c.overdueCount,
      expiring: c.expiring.length,
      expiringDays: c.expiringDays,
    },
    failures: {
      machines: new Set(report.failures.map((f) => f.cmid)).size,
      requests: report.failures.reduce((n, f) => n + f.requests, 0),
      rows: report.failures.slice(0, OVERVIEW_FAILURES)
    },
    products: byName(products.map((p) => ({ activationId: p.activationId, product: p.product }))),
    clones: report.clones.length,
    alerts,
    discovery: discoverySummary(report.discovery),
    clientSide: clientSideSummary(report.clientSide),
  };
}
