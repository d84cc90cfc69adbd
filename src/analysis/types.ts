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
  /** Silent for more than 30 days: no longer counted by the host. Most recent first. */
  lapsed: ClientReport[];
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
