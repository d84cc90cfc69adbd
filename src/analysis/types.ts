import type { AddressCheck, SrvLookup, SrvTargetCheck } from '../discover/index.js';
import type { KmsApplication } from '../kms/types.js';

/**
 * The object behind `kmswatch report --json`: a public scripting interface. Fields may be added,
 * never renamed or removed (test/report/contract.test.ts guards the names). Times are ISO 8601 UTC
 * strings, results are HRESULTs formatted like `0xC004F06C`.
 */
export interface Report {
  at: string;
  /** IANA zone used to read times without an offset and to show local times. */
  timezone: string;
  idleHours: number;
  /** The 30-day counting window: from < time <= to. */
  window: { from: string; to: string; days: number };
  totals: ReportTotals;
  hosts: HostReport[];
  clones: CloneReport[];
  failures: FailureReport[];
  clients: ClientsReport;
  products: ProductReport[];
  /** Newest first, at most `anomalyLimit`; `totals.anomalies` has the full count. */
  anomalies: AnomalyReport[];
  anomalyLimit: number;
  logClears: LogClearReport[];
  /** Stored events that came from EVTX chunks whose CRC check failed (docs/definitions.md "damaged chunk"). */
  damaged: DamagedReport;
  /** One line per host and application (and per host for host-wide conditions), worst first. */
  health: HealthLine[];
  /** The newest stored event (request or host event) at or before `at`; null for an empty store. */
  newestEventAt: string | null;
  /** Set when the newest event is older than idleHours before `at`: collection may have stopped. */
  stale: StaleNotice | null;
  /** The newest stored `kmswatch discover` check at or before `at`, compared with the logs; null when none. */
  discovery: DiscoveryReport | null;
  /** What the clients' own 12288/12289 events in the window say (docs/definitions.md "client side"). */
  clientSide: ClientSideReport;
}

/** Worst first: the order health lines are sorted in. */
export type HealthStatus = 'below-threshold' | 'dns-failing' | 'idle' | 'at-risk' | 'partial-coverage' | 'ok';

export interface HealthLine {
  host: string;
  /** null for a condition of the whole host (idle with nothing counted, DNS publishing failing). */
  application: KmsApplication | null;
  /** The worst of `conditions`. */
  status: HealthStatus;
  severity: 'critical' | 'warning' | 'ok';
  /** Distinct clients counted in the window (uncapped), and the threshold that decides. */
  active: number;
  threshold: number;
  /** Which clients the threshold is for: "Windows client editions" (25), "Windows Server and Office" (5). */
  thresholdFor: string;
  /**
   * Days the count stays at or above the threshold even if no client returns (the forecast read as
   * a margin); 0 when already below; null when nothing is counted.
   */
  marginDays: number | null;
  /** One sentence with the numbers that decide the status. */
  text: string;
  /** What to do; null when the status is ok. */
  remedy: string | null;
  /** Every condition found (a host can be idle and failing DNS); `status` is the worst. */
  conditions: { status: HealthStatus; text: string; remedy: string | null }[];
}

export interface StaleNotice {
  newestEventAt: string;
  idleHours: number;
  /** "No events since 2026-10-01 12:00 UTC (67 days): collection may have stopped." */
  text: string;
}

export interface DamagedReport {
  /** Requests with time <= at read from damaged chunks (kept, marked). */
  requests: number;
  /** Host events, client events and anomalies with time <= at read from damaged chunks. */
  events: number;
  /** One line per file, chunk, host and channel, in file and chunk order. */
  chunks: DamagedChunkReport[];
}

export interface DamagedChunkReport {
  file: string;
  chunk: number;
  /** The checks the chunk failed, e.g. `chunk data CRC`. */
  check: string;
  host: string;
  channel: string;
  firstRecordId: number;
  lastRecordId: number;
  requests: number;
  events: number;
}

export interface ReportTotals {
  requests: number;
  clients: number;
  machines: number;
  hosts: number;
  anomalies: number;
}

export interface HostReport {
  host: string;
  /**
   * The other names this host's events arrived under, sorted: other spellings, and short names
   * given with --host that were matched to this host (`KMS01` for `KMS01.corp.contoso.com`).
   */
  aliases: string[];
  requests: number;
  firstRequestAt: string | null;
  lastRequestAt: string | null;
  /** No request for more than idleHours before `at`. */
  idle: boolean;
  dnsPublishFailures: number;
  dnsPublishSuccesses: number;
  /** Log clears detected on this host (all channels) up to `at`. */
  logClears: number;
  /** Host (Application-log) events by type: DNS publishing, service start failures, SPP... */
  events: HostEventReport[];
  counts: CountReport[];
  /** Every request and host event of this host came from damaged chunks: the host may be a corrupted name. */
  damagedOnly: boolean;
  /**
   * The counts are computed from less than the whole window: the stored log does not reach back
   * to the window's start, or has holes inside it (docs/definitions.md "coverage", "partial").
   */
  partial: boolean;
  /** Per log: the period its stored events cover, holes, and the files (and zones) they came from. */
  coverage: LogCoverageReport[];
}

export interface LogCoverageReport {
  /** `Key Management Service`, `Application`, or the log as an export named it. */
  log: string;
  /** The first and the last stored event of the log (time <= at). */
  firstEventAt: string;
  lastEventAt: string;
  /** From the window's start to its last stored event the log has no hole. */
  coversWindow: boolean;
  holes: CoverageHoleReport[];
  /** The stretches of the log read, oldest first. */
  stretches: CoverageStretchReport[];
}

export interface CoverageHoleReport {
  /**
   * `records-missing`: record ids missing between two stretches (a log that wrapped between two
   * collections); `log-cleared`: between the last event before a log clear and the first after;
   * `before-first-event`: from the window's start to the log's first stored event.
   */
  kind: 'records-missing' | 'log-cleared' | 'before-first-event';
  from: string;
  to: string;
  firstMissingRecordId: number | null;
  lastMissingRecordId: number | null;
}

export interface CoverageStretchReport {
  /** The file (or stream) and format it was read from, `kms.evtx (evtx)`. */
  source: string;
  /** The zone its wall-clock times were read in; null when the export carried UTC or offsets. */
  zone: string | null;
  epoch: number;
  from: string;
  to: string;
  firstRecordId: number | null;
  lastRecordId: number | null;
  events: number;
}

export interface HostEventReport {
  type: string;
  count: number;
  lastAt: string;
  lastResult: string | null;
  lastDomain: string | null;
}

export interface CountReport {
  application: KmsApplication;
  /** min(active, cap): what the host itself reports. */
  current: number;
  /** Distinct CMIDs served with result 0x0 in the window. */
  active: number;
  /** 2 × the highest minimum count among the counted requests; 0 when nothing is counted. */
  cap: number;
  /** One per minimum count seen, highest first. */
  thresholds: ThresholdReport[];
  /** Computed from less than the whole window (the host's `partial`). */
  partial: boolean;
}

export interface ThresholdReport {
  minimum: number;
  clients: number;
  met: boolean;
}

export interface CloneReport {
  cmid: string;
  machines: string[];
  firstSeen: string;
  lastSeen: string;
  /** Without the requests from damaged chunks the CMID has fewer than two names: maybe no clone at all. */
  damagedOnly: boolean;
}

export interface FailureReport {
  machine: string;
  cmid: string;
  host: string;
  /** The product the failed requests asked for (the remedy of some results depends on it). */
  product: string;
  result: string;
  meaning: string;
  cause: string;
  remedy: string;
  known: boolean;
  requests: number;
  lastAt: string;
  /** Every request of this failure came from damaged chunks. */
  damagedOnly: boolean;
}

export interface ClientsReport {
  /** Clients (latest request per CMID and application) up to `at`, lapsed included. */
  total: number;
  /** Non-lapsed clients per license state name. */
  byState: Record<string, number>;
  overdueCount: number;
  graceCount: number;
  notificationCount: number;
  /** Not lapsed, expiry within `expiringDays` of `at` (or past). Soonest first. */
  expiring: ClientReport[];
  expiringDays: number;
  /** Silent for more than 30 days: no longer counted by the host. Most recent first; empty when the report was asked not to list them (ReportOptions.listLapsed). */
  lapsed: ClientReport[];
  /** How many clients are lapsed, listed or not. */
  lapsedCount: number;
}

export interface ClientReport {
  cmid: string;
  application: KmsApplication;
  machine: string;
  host: string;
  activationId: string;
  product: string;
  licenseState: number;
  state: string;
  isVm: boolean;
  result: string;
  minutesLeft: number;
  firstSeen: string;
  lastSeen: string;
  requests: number;
  /** lastSeen + minutesLeft; null when minutesLeft is 0. */
  expiresAt: string | null;
  overdue: boolean;
  lapsed: boolean;
  expiring: boolean;
  /** License state is one of the grace states (OOB, OOT, non-genuine, extended). */
  grace: boolean;
  notification: boolean;
}

export interface ProductReport {
  activationId: string;
  product: string;
  application: KmsApplication;
  clients: number;
  requests: number;
  lastSeen: string;
}

export interface AnomalyReport {
  host: string;
  channel: string;
  eventId: number;
  recordId: number | null;
  time: string;
  provider: string;
  reason: string;
  raw: string;
  source: string;
}

export interface LogClearReport {
  host: string;
  channel: string;
  epoch: number;
  detectedAt: string;
  previousLastRecordId: number | null;
  firstRecordId: number | null;
}

/**
 * How kmswatch knows a KMS host that clients name or DNS publishes: `collected` (its log is stored),
 * `known` (listed in the config's `discover.knownHosts`, log not collected), `rogue` (neither: a
 * security finding, docs/definitions.md "rogue host").
 */
export type KnownHostStatus = 'collected' | 'known' | 'rogue';

export type DiscoveryFindingKind =
  | 'missing-record'
  | 'lookup-failed'
  | 'target-unresolved'
  | 'target-unreachable'
  | 'published-idle'
  | 'unpublished-host'
  | 'weight-skew'
  | 'unanswered-clients'
  | 'uncollected-host'
  | 'count-differs'
  | 'rogue-host';

/** One thing worth acting on, from the discovery check, the clients' events or both. */
export interface DiscoveryFinding {
  kind: DiscoveryFindingKind;
  severity: 'critical' | 'warning' | 'info';
  /** The KMS host concerned (stored spelling, or as published/named for an unknown one), or null. */
  host: string | null;
  /** The DNS domain concerned, or null. */
  domain: string | null;
  /** One sentence with the facts. */
  text: string;
  /** What to do. */
  remedy: string;
  /** Client machines concerned (a rogue host: the clients that used it), sorted, at most 100. */
  clients: string[];
}

/** An address as the check probed it (the family is in the address's spelling). */
export type DiscoveryAddressReport = Omit<AddressCheck, 'family'>;

/** An SRV record as the check found it, with its share of clients and the KMS host it is. */
export interface DiscoveryRecordReport extends Omit<SrvTargetCheck, 'addresses'> {
  /** Share of clients this record gets among the records of its priority (weights; equal when all 0), 0..1. */
  share: number;
  /** The stored or known KMS host the target is (by name, short name or address), or null. */
  host: string | null;
  status: KnownHostStatus;
  addresses: DiscoveryAddressReport[];
}

export interface DiscoveryDomainReport extends Omit<SrvLookup, 'records'> {
  records: DiscoveryRecordReport[];
}

export interface DiscoveryReport {
  checkedAt: string;
  seenFrom: string;
  /** "Seen from <machine>, not from a client's network: …" */
  note: string;
  dnsServers: string[];
  timeoutMs: number;
  domains: DiscoveryDomainReport[];
  /** Findings that need the check (missing record, unreachable target, unpublished host, rogue SRV target…), worst first. */
  findings: DiscoveryFinding[];
}

export interface UnansweredClient {
  machine: string;
  /** The host the client tried as its 12288 names it (`name:port` or an address); null when empty. */
  hostTried: string | null;
  /** The stored or known KMS host that is, or null. */
  host: string | null;
  /** `no-response`: a 12288 with no 12289 in the pairing window; `not-contacted`: its result is 0xC004F074. */
  reason: 'no-response' | 'not-contacted';
  /** Result of the newest such 12288. */
  result: string;
  lastAt: string;
  /** This machine's 12288 events in the window that got no answer or carry 0xC004F074. */
  attempts: number;
}

export interface ClientSideHost {
  /** The host as clients name it, lower case, without the port. */
  name: string;
  port: number | null;
  /** The stored or known KMS host it is (by name, short name or an address the discovery check resolved), or null. */
  host: string | null;
  status: KnownHostStatus;
  /** Distinct machines that sent it a 12288 in the window. */
  machines: number;
  requests: number;
  /** Of those, 12288 followed by a 12289 in the pairing window. */
  answered: number;
  lastAt: string;
  /** The machines, sorted, at most 100. */
  clients: string[];
}

export interface ReportedCount {
  /** The stored host (collected) whose log kmswatch counts. */
  host: string;
  application: KmsApplication;
  minimumCount: number;
  /** The newest 12289 that carries this host's count for this minimum count. */
  reportedAt: string;
  machine: string;
  /** The count the host returned to the client (12289 field 4). */
  reported: number;
  /** kmswatch's current count (capped as the host caps it) from the stored log at reportedAt. */
  computed: number;
  /** reported − computed. */
  difference: number;
  /**
   * The host's stored log does not cover the 30 days up to reportedAt (docs/definitions.md
   * "partial"): `computed` can only be too low, so a higher reported count is no finding.
   */
  partial: boolean;
}

export interface ClientSideReport {
  /** 12288 events in the window. */
  requestsSent: number;
  /** 12289 events in the window. */
  responses: number;
  /** Distinct computers that logged a 12288 in the window. */
  machines: number;
  /** How long after a 12288 the same computer's 12289 may come to answer it (docs/definitions.md). */
  pairingWindowMinutes: number;
  /** Clients whose newest attempt failed to reach a host, by machine. */
  unanswered: UnansweredClient[];
  /** Every host clients named, most used first. */
  hosts: ClientSideHost[];
  reportedCounts: ReportedCount[];
  /** Findings from the clients' events alone (unanswered clients, rogue or uncollected hosts, counts that differ), worst first. */
  findings: DiscoveryFinding[];
}

