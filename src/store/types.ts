import type { KmsApplication, KmsRecord } from '../kms/types.js';
import type { DiscoveryCheck } from '../discover/index.js';

/**
 * The storage contract. Both backends (sqlite/, postgres/) implement it; nothing outside src/store
 * knows which one it talks to. Every method is async so the PostgreSQL backend fits the same shape.
 * All times are epoch milliseconds UTC. Query semantics are pinned in docs/definitions.md.
 */
export interface Store {
  readonly backend: 'sqlite' | 'postgres' | 'memory';
  /** Opened with `readOnly` (openStore): every write method fails with STORE_READ_ONLY. */
  readonly readOnly: boolean;

  /** Applies pending migrations (idempotent). openStore() calls it unless the store is opened read-only. */
  migrate(): Promise<MigrationReport>;

  /**
   * Deletes every event with time < before (requests, host and client events, anomalies, their
   * damage marks, stretches of coverage that end before it; a stretch across it then starts at it)
   * in one transaction and brings the summaries back in line; `dryRun` counts what would go and changes nothing. Checkpoints, log
   * clears, alert states, discovery checks and meta are kept (docs/definitions.md "prune").
   */
  prune(before: number, options?: { dryRun?: boolean }): Promise<PruneResult>;

  /**
   * Writes one batch in one transaction: all of it or nothing. Duplicates (same host, channel,
   * dedup key; or the same event from an export of another kind: docs/definitions.md "same
   * event") are skipped and counted; shifted copies (times whole hours off a stored copy) are left
   * out and reported (`shifted`, `withheld`). Detects log clears against the stored checkpoint and
   * within the batch, records them and advances the checkpoints; keeps the stretches of each log it
   * read (coverage()).
   */
  writeBatch(records: readonly KmsRecord[]): Promise<WriteResult>;

  checkpoints(): Promise<Checkpoint[]>;
  checkpoint(host: string, channel: string): Promise<Checkpoint | null>;

  // ---- queries used by src/analysis (one per file under src/store/queries) ----
  totals(at: number): Promise<TotalsRow>;
  hostActivity(at: number): Promise<HostActivityRow[]>;
  /** Distinct CMIDs with result 0x0 in (from, to], per host, application and minimum count. */
  windowCounts(from: number, to: number): Promise<WindowCountRow[]>;
  /** Distinct CMIDs with result 0x0 in (from, to], per host and application (a CMID needing 25 and 5 counts once). */
  windowActive(from: number, to: number): Promise<WindowActiveRow[]>;
  /**
   * windowActive's `active` at `count` instants first, first + step, … (each over its own 30-day
   * window), per host and application that has a client active at one of them: the timeline.
   */
  activeSeries(first: number, step: number, count: number): Promise<ActiveSeriesRow[]>;
  /** CMIDs reported under two or more machine names (case-insensitive), time <= at. */
  clones(at: number): Promise<CloneRow[]>;
  /** Non-zero results in (from, to], per machine (case-insensitive), cmid and result. */
  failures(from: number, to: number): Promise<FailureRow[]>;
  /** Latest request per (cmid, application) with time <= at, optionally filtered. */
  latestClients(at: number, filter?: ClientFilter): Promise<ClientRow[]>;
  /**
   * The clients of latestClients(at) counted by state, with the rows of only the lapsed and the
   * expiring ones: what a report needs. At 10 M requests building a row per client was most of a
   * report's time. Optional: src/store/client-overview.ts computes it from latestClients otherwise.
   */
  clientOverview?(at: number, bounds: ClientOverviewBounds): Promise<ClientOverview>;
  /**
   * The clients of latestClients(at) whose latest request meets any condition of `selection`
   * (rules/client-selection.ts), in latestClients' order: what the alert rules name, without
   * reading every client.
   */
  selectedClients(at: number, selection: ClientSelection): Promise<ClientRow[]>;
  /** Failed requests (result ≠ 0x0) with time <= at per host and result code (queries/failure-counts.ts). */
  failureCounts(at: number): Promise<FailureCountRow[]>;
  /** Requests per activation id with time <= at. */
  products(at: number): Promise<ProductRow[]>;
  /** The products with a request at or before `at`, by name then Activation ID: products() without the counts (queries/products.ts). */
  productsSeen(at: number): Promise<ProductSeenRow[]>;
  /** Anomalies with time <= at, newest first, up to limit; plus the total count. */
  anomalies(at: number, limit: number): Promise<{ total: number; rows: AnomalyRow[] }>;
  /** Host (Application-log) events with time <= at, per host and type. */
  hostEventCounts(at: number): Promise<HostEventCountRow[]>;
  logClears(): Promise<LogClearRow[]>;
  /**
   * Every stored stretch of every host's logs (docs/definitions.md "coverage"), by host, log, epoch,
   * first time; with `hosts`, only theirs (a fleet's client computers each have a stretch of their own).
   */
  coverage(hosts?: readonly string[]): Promise<LogSpanRow[]>;
  /** Requests of one client (by CMID), newest first. */
  clientRequests(cmid: string, limit: number): Promise<RequestRow[]>;
  /**
   * Per host, application and minimum count, the `limit` newest last successes (result 0x0) in
   * (from, to] of the CMIDs that host counts (queries/counted-newest.ts): a count's margin and
   * forecast, newest first. A CMID counts with every host it succeeded with, at its highest minimum.
   */
  countedNewest(from: number, to: number, limit: number): Promise<CountedNewestRow[]>;
  /** Per host, application and UTC day: distinct CMIDs with result 0x0 that day (for timelines). */
  dailyActivity(host: string | null, from: number, to: number): Promise<DailyActivityRow[]>;

  /** Clients' own 12288/12289 events with from < time <= to, oldest first (by time, then computer, record id). */
  clientEvents(from: number, to: number): Promise<ClientEventRow[]>;
  /**
   * The clients' 12288s with from < time <= to, each with the 12289 that answers it (rules/
   * client-pairing.ts, paired over every stored event of its computer), and the number of 12289s in
   * the window, without the events' JSON or the 12289s: the rows clientSideFacts' rule reads
   * (rules/client-side-facts.ts), and the memory store's answer to it.
   */
  pairedClientRequests(from: number, to: number): Promise<PairedClientRequests>;
  /**
   * What the report's client side reads of the 12288s with from < time <= to, grouped in SQL
   * (queries/client-side-facts.ts): per kmsHost named, per computer whose newest settled 12288 got
   * no answer, per host, product and minimum count named the newest count a 12289 returned. The
   * rule, over pairedClientRequests' rows, is rules/client-side-facts.ts; `limit` caps each named
   * host's listed computers.
   */
  clientSideFacts(from: number, to: number, limit: number): Promise<ClientSideFacts>;
  /** The computers with a 12288 in (from, to] naming any of `kmsHosts` (null: none named): how many, and the first `limit` by key. */
  clientsNaming(from: number, to: number, kmsHosts: readonly (string | null)[], limit: number): Promise<ClientsNaming>;
  /** Keeps one discovery check (`kmswatch discover`); a check with the same checkedAt and seenFrom replaces it. */
  saveDiscovery(check: DiscoveryCheck): Promise<void>;
  /** The newest stored discovery check with checkedAt <= at, or null. */
  latestDiscovery(at: number): Promise<DiscoveryCheck | null>;

  /**
   * Marks events as read from damaged EVTX chunks (docs/definitions.md "damaged chunk"); a mark
   * names an event by its dedup identity, whether it is stored yet or not. Marking twice is a no-op.
   */
  markDamaged(marks: readonly DamageMark[]): Promise<void>;
  /** Stored events with time <= at that carry a damage mark. */
  damagedEvents(at: number): Promise<DamagedEventRow[]>;

  /** Alert state for src/alerts: every alert not yet reported as resolved (and resolved ones kept for history). */
  alertStates?(): Promise<AlertState[]>;
  /** Upserts alert states by id, in one transaction. */
  saveAlertStates?(states: readonly AlertState[]): Promise<void>;
  /** When the last successful collection ran (for kms_collector_last_success_timestamp_seconds). */
  setMeta?(key: string, value: string): Promise<void>;
  getMeta?(key: string): Promise<string | null>;

  close(): Promise<void>;
}

export interface AlertState {
  /** Stable id: rule + subject, e.g. `low-count:kms01:Windows`. */
  id: string;
  rule: string;
  severity: 'critical' | 'warning' | 'info';
  host: string | null;
  summary: string;
  /** JSON text with the rule's details (clients waiting, forecast date...). */
  details: string;
  status: 'open' | 'resolved';
  firstSeen: number;
  lastSeen: number;
  resolvedAt: number | null;
  /** When the open alert was mailed; when its resolution was mailed. */
  notifiedAt: number | null;
  resolvedNotifiedAt: number | null;
}

/** An event read from an EVTX chunk whose CRC check failed: its identity and where it was read. */
export interface DamageMark {
  host: string;
  channel: string;
  recordId: number;
  /** Event time, epoch ms (the mark keeps its second, as the dedup key does). */
  time: number;
  file: string;
  /** Chunk slot index. */
  chunk: number;
  /** The checks the chunk failed, e.g. `chunk data CRC`. */
  checks: string;
}

/** A stored event with the first mark stored for it. */
export interface DamagedEventRow extends DamageMark {
  kind: 'request' | 'host' | 'client' | 'anomaly';
  /** Requests only; null for the other kinds. */
  machine: string | null;
  cmid: string | null;
  result: number | null;
}

/** What prune() deleted, or would delete on a dry run: rows per kind of event. */
export interface PruneResult {
  before: number;
  dryRun: boolean;
  requests: number;
  hostEvents: number;
  clientEvents: number;
  anomalies: number;
  damageMarks: number;
  /** Stretches of coverage (log_spans) whose last event is before `before`. */
  logSpans: number;
  /** Clients (CMIDs) left with no request at all. */
  clientsRemoved: number;
}

export interface MigrationReport {
  applied: string[];
  current: number;
}

export interface WriteResult {
  requests: number;
  hostEvents: number;
  clientEvents: number;
  anomalies: number;
  duplicates: number;
  logClears: number;
  /**
   * Records whose stored copies (same host, log, record id and data) have times a whole number of
   * quarter hours apart: a file read in the wrong zone. Not stored, not counted as duplicates,
   * never taken as a log clear (store/copies.ts). Absent when there are none.
   */
  shifted?: ShiftedCopies[];
  /** Other records of such a file read in local time, left out with them. Absent when none. */
  withheld?: number;
}

/** A stretch of one host's log read from one source, in one epoch (migration 1100, store/spans.ts). */
export interface LogSpan {
  hostKey: string;
  channel: string;
  epoch: number;
  source: string;
  spanKey: string;
  firstTime: number;
  lastTime: number;
  firstRecordId: number | null;
  lastRecordId: number | null;
  /** Events of the stretch (stored or already there): the most one reading of it saw. */
  events: number;
  /** The zone the source's times were read in; null when its export carried UTC or offsets. */
  zone: string | null;
}

/** A stored stretch as coverage() returns it: with the host's display name. */
export interface LogSpanRow extends LogSpan {
  host: string;
}

/** One group of shifted records: one incoming source against one stored source, one offset. */
export interface ShiftedCopies {
  /** The incoming records' source and the stored copies' (`file (format)`). */
  source: string;
  storedSource: string;
  hostKey: string;
  channel: string;
  /** Incoming time minus stored time, ms (a multiple of 15 minutes). */
  offsetMs: number;
  records: number;
  /** The zone the incoming times were read in; null when their export carried UTC or an offset. */
  timeZone: string | null;
  /** A few (incoming, stored) time pairs, to name the zone that fits. */
  samples: { time: number; storedTime: number }[];
}

export interface Checkpoint {
  host: string;
  channel: string;
  /** Highest record id of the current epoch, and its event time. */
  lastRecordId: number | null;
  lastTime: number | null;
  /** 0 at first; +1 for each detected log clear. */
  epoch: number;
  updatedAt: number;
}

export interface TotalsRow {
  requests: number;
  clients: number;
  machines: number;
  hosts: number;
  anomalies: number;
}

export interface HostActivityRow {
  host: string;
  requests: number;
  firstRequestAt: number | null;
  lastRequestAt: number | null;
}

export interface WindowCountRow {
  host: string;
  application: KmsApplication;
  minimumCount: number;
  clients: number;
}

export interface WindowActiveRow {
  host: string;
  application: KmsApplication;
  active: number;
  /** Highest minimum count among the counted requests. */
  maxMinimum: number;
}

export interface ActiveSeriesRow {
  host: string;
  application: KmsApplication;
  /** One count per instant, in order. */
  active: number[];
  /**
   * Per instant, the highest minimum count among the clients counted then (0 when none): the cap
   * is twice it. Taken per run of a client's successes (store/rules/activity.ts).
   */
  maxMinimum: number[];
}

export interface CloneRow {
  cmid: string;
  /** Distinct machine names as first written, sorted case-insensitively. */
  machines: string[];
  firstSeen: number;
  lastSeen: number;
}

export interface FailureRow {
  machine: string;
  cmid: string;
  host: string;
  result: number;
  requests: number;
  lastAt: number;
  /** The product the failed requests asked for (the first by name if several). */
  productName: string;
}

/** Store.selectedClients: a client is selected when its latest request meets any of these. */
export interface ClientSelection {
  licenseStates?: readonly number[];
  /** Expires (last seen + minutes left) at or before this instant. */
  expiringBy?: number;
  /** Its Activation ID is missing from the product table. */
  unknownProducts?: boolean;
  cmids?: readonly string[];
}

export interface ClientFilter {
  host?: string;
  application?: KmsApplication;
  state?: number;
  vm?: boolean;
  /** Case-insensitive substring of machine name or CMID. */
  search?: string;
  activationId?: string;
}

export interface ClientRow {
  cmid: string;
  application: KmsApplication;
  machine: string;
  host: string;
  activationId: string;
  productName: string;
  licenseState: number;
  minutesLeft: number;
  isVm: boolean;
  result: number;
  minimumCount: number;
  lastSeen: number;
  firstSeen: number;
  requests: number;
}

/** The instants the overview compares a client's latest request with (epoch ms). */
export interface ClientOverviewBounds {
  /** Latest request before this: lapsed. */
  lapsedBefore: number;
  /** Latest request before this (and not lapsed): overdue. */
  overdueBefore: number;
  /** Not lapsed, minutes left > 0 and latest request + minutes left at or before this: expiring. */
  expiringBy: number;
  /** Whether the lapsed clients' rows are wanted (default true); false: only how many. */
  listLapsed?: boolean;
}

export interface ClientOverview {
  /** Clients that are not lapsed, per license state, and how many of them are overdue. */
  states: { licenseState: number; clients: number; overdue: number }[];
  /** In no particular order; empty unless the bounds ask for the list (listLapsed). */
  lapsed: ClientRow[];
  lapsedCount: number;
  expiring: ClientRow[];
}

export interface ProductSeenRow {
  activationId: string;
  productName: string;
  application: KmsApplication;
}

export interface ProductRow extends ProductSeenRow {
  clients: number;
  requests: number;
  lastSeen: number;
}

export interface AnomalyRow {
  host: string;
  channel: string;
  eventId: number;
  recordId: number | null;
  time: number;
  provider: string;
  reason: string;
  raw: string;
  source: string;
}

export interface HostEventCountRow {
  host: string;
  type: string;
  count: number;
  lastAt: number;
  lastResultHex: string | null;
  lastDomain: string | null;
}

export interface LogClearRow {
  host: string;
  channel: string;
  epoch: number;
  /** Time of the first event of the new epoch. */
  detectedAt: number;
  previousLastRecordId: number | null;
  firstRecordId: number | null;
}

export interface RequestRow {
  host: string;
  recordId: number | null;
  time: number;
  resultHex: string;
  machine: string;
  cmid: string;
  licenseState: number;
  minutesLeft: number;
  activationId: string;
  productName: string;
  isVm: boolean;
  minimumCount: number;
  source: string;
}

export interface DailyActivityRow {
  host: string;
  application: KmsApplication;
  /** UTC day start, epoch ms. */
  day: number;
  clients: number;
  requests: number;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly code: 'STORE_OPEN' | 'STORE_MISSING' | 'STORE_MIGRATE' | 'STORE_WRITE' | 'STORE_QUERY' | 'STORE_URL' | 'STORE_SCHEMA_NEWER' | 'STORE_SCHEMA_OLDER' | 'STORE_READ_ONLY',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A client's own event (12288 request sent, 12289 response processed), as stored. */
export interface ClientEventRow {
  /** The computer that logged it (the client), as the event names it. */
  computer: string;
  eventId: 12288 | 12289;
  time: number;
  recordId: number | null;
  result: number;
  resultHex: string;
  /** The named fields of kms-events.md §2.3 (src/kms/events/client-events.ts). */
  fields: Record<string, string>;
}

/** Store.pairedClientRequests: one 12288 and its answer. */
export interface ClientRequestRow {
  /** The computer that logged it, as host_names shows it. */
  computer: string;
  time: number;
  recordId: number | null;
  result: number;
  resultHex: string;
  /** Its kmsHost, activationId and minimumCount fields as logged (null when absent). */
  kmsHost: string | null;
  activationId: string | null;
  minimumCount: string | null;
  /** The 12289 that answers it, with its currentCount field as logged; null when none does. */
  answer: { time: number; result: number; currentCount: string | null } | null;
}

export interface PairedClientRequests {
  /** Oldest first: time, then computer key, then record id (none last), then storage order. */
  requests: ClientRequestRow[];
  /** 12289s in the window, answering a 12288 of the window or not. */
  responses: number;
}

/** Store.clientsNaming: computers with a 12288 naming some hosts. */
export interface ClientsNaming {
  machines: number;
  /** The first of them by key (lower case), as host_names shows them. */
  clients: string[];
}

/** Store.clientSideFacts: the 12288s of the window that name one kmsHost (as logged; null when none is). */
export interface ClientNamedHostFacts extends ClientsNaming {
  kmsHost: string | null;
  requests: number;
  /** Answered by `to`; failed: no answer and settled (no-response, not-contacted); rules/client-pairing.ts outcomeAt. */
  answered: number;
  failed: number;
  lastTime: number;
}

/** Store.clientSideFacts: a computer whose newest settled 12288 got no answer. */
export interface ClientUnansweredFacts {
  computer: string;
  kmsHost: string | null;
  time: number;
  result: number;
  outcome: 'no-response' | 'not-contacted';
  /** Its settled 12288s in the window without an answer. */
  attempts: number;
}

/**
 * Store.clientSideFacts: per kmsHost (not null: a 12288 naming no host has none to compare),
 * activationId and minimumCount as logged, the newest 12288 answered by `to` with a count (a 12289 with result 0x0 or 0xC004F038 and a currentCount); of
 * answers at one time the last in pairedClientRequests' order.
 */
export interface ClientReportedFacts {
  kmsHost: string;
  activationId: string | null;
  minimumCount: string;
  computer: string;
  answerTime: number;
  currentCount: string;
}

export interface ClientSideFacts {
  /** 12288s and 12289s in the window. */
  requests: number;
  responses: number;
  /** Every computer with a 12288 in the window: its key (lower case), sorted. */
  computers: string[];
  /** By kmsHost (null first, then as SQL's byte order sorts). */
  named: ClientNamedHostFacts[];
  /** By computer key. */
  unanswered: ClientUnansweredFacts[];
  /** By kmsHost, activationId, minimumCount. */
  reported: ClientReportedFacts[];
}

/** Store.countedNewest: one counted CMID's last success (its CMID is not needed). */
export interface CountedNewestRow {
  host: string;
  application: KmsApplication;
  /** The highest minimum count the CMID asked this host for. */
  minimumCount: number;
  lastSeen: number;
}

/** Store.failureCounts: the failed requests of one host with one result code. */
export interface FailureCountRow {
  host: string;
  result: number;
  requests: number;
}
