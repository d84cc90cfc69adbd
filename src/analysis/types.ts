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
}

export interface FailureReport {
  machine: string;
  cmid: string;
  host: string;
  result: string;
  meaning: string;
  cause: string;
  remedy: string;
  known: boolean;
  requests: number;
  lastAt: string;
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
