/**
 * truth.json `clientSide`: what a report must say about the clients' own 12288/12289 events in the
 * counting window, computed from the events the simulator wrote (the field names and meanings of
 * src/analysis/types.ts ClientSideReport; never by calling src/analysis).
 *
 * Rules (docs/definitions.md "client side"): a 12289 answers the newest 12288 of the same computer
 * when it comes within the pairing window after it and before that computer's next 12288. A
 * 12288 failed when nothing answered it or its result is 0xC004F074; a machine is unanswered when
 * its newest 12288 failed. A 12288 still inside the pairing window at the end is pending: neither.
 */
import type { ClientSideHost, KnownHostStatus, ReportedCount, UnansweredClient } from '../analysis/types.js';
import type { KmsApplication } from '../kms/types.js';
import { RESULT_NOT_CONTACTED, RESULT_NOT_ENOUGH_COUNT } from './client-events.js';
import { hresult } from './events.js';

export const PAIRING_WINDOW_MS = 5 * 60_000;
/** ClientSideHost.clients lists at most this many machines. */
const HOST_CLIENTS_LISTED = 100;

/** The report's shapes (type-only: the answers are computed here, never by src/analysis). */
export type ClientHostStatus = KnownHostStatus;
export type TruthUnanswered = UnansweredClient;
export type TruthClientHost = ClientSideHost;

/** A reported count without kmswatch's side (computed, difference), which only the report can know. */
export type TruthReportedCount = Omit<ReportedCount, 'computed' | 'difference' | 'partial'>;

export interface TruthClientSide {
  requestsSent: number;
  responses: number;
  machines: number;
  pairingWindowMinutes: number;
  unanswered: TruthUnanswered[];
  hosts: TruthClientHost[];
  /** The config's `discover.knownHosts` (kmswatch.yaml beside the logs). */
  knownHosts: string[];
  rogueHosts: { host: string; clients: string[] }[];
  reportedCounts: TruthReportedCount[];
}

/** A 12288 as written, with what the recorder needs to judge it. */
export interface SentRecord {
  computer: string;
  time: number;
  kmsHost: string;
  result: number;
  minimumCount: number;
  application: KmsApplication;
}

export interface ResponseRecord {
  computer: string;
  time: number;
  result: number;
  currentCount: number;
}

interface OpenRequest extends SentRecord {
  answered: boolean;
}

interface ComputerState {
  /** The computer's name as its first event wrote it. */
  name: string;
  open: OpenRequest | null;
  /** The newest 12288 judged, and whether it failed. */
  newest: { request: OpenRequest; failed: boolean } | null;
  attempts: number;
  /** 12288s it wrote. */
  sent: number;
}

interface HostState {
  name: string;
  port: number | null;
  machines: Set<string>;
  requests: number;
  answered: number;
  lastAt: number;
}

/** How the recorder knows a host name a client wrote: the stored (collected) hosts and the config's known hosts. */
export interface ClientHostDirectory {
  collected: readonly string[];
  known: readonly string[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Machines by lower-case name (code units), each once. */
const sortedMachines = (names: Iterable<string>) => [...names].sort((a, b) => cmp(a.toLowerCase(), b.toLowerCase()));

/** `name:port` → lower-case name and port; '' → null. */
export function splitHostTried(text: string): { name: string; port: number | null } | null {
  const t = text.trim();
  if (t === '') return null;
  const m = /^(.*):(\d+)$/.exec(t);
  return m ? { name: m[1].toLowerCase(), port: Number(m[2]) } : { name: t.toLowerCase(), port: null };
}

export class ClientSideRecorder {
  private requestsSent = 0;
  private responses = 0;
  private readonly computers = new Map<string, ComputerState>();
  private readonly hosts = new Map<string, HostState>();
  private readonly collected = new Map<string, string>();
  private readonly known = new Map<string, string>();
  /** "host\0application\0minimum" → newest 12289 carrying that host's count. */
  private readonly reported = new Map<string, TruthReportedCount & { time: number }>();

  constructor(
    private readonly at: number,
    private readonly directory: ClientHostDirectory,
  ) {
    for (const h of directory.collected) this.collected.set(h.toLowerCase(), h);
    for (const h of directory.known) this.known.set(h.toLowerCase(), h);
  }

  sent(r: SentRecord): void {
    this.requestsSent++;
    const state = this.computer(r.computer);
    state.sent++;
    if (state.open) this.judge(state, state.open);
    state.open = { ...r, answered: false };
    const tried = splitHostTried(r.kmsHost);
    if (tried) {
      let h = this.hosts.get(tried.name);
      if (!h) this.hosts.set(tried.name, (h = { name: tried.name, port: tried.port, machines: new Set(), requests: 0, answered: 0, lastAt: r.time }));
      h.machines.add(state.name);
      h.requests++;
      if (r.time > h.lastAt) h.lastAt = r.time;
    }
  }

  response(r: ResponseRecord): void {
    this.responses++;
    const state = this.computer(r.computer);
    const open = state.open;
    // 0xC004F074 reached no host: nothing it could be the answer to.
    if (!open || open.answered || open.result === RESULT_NOT_CONTACTED || r.time <= open.time || r.time - open.time > PAIRING_WINDOW_MS) return;
    open.answered = true;
    const tried = splitHostTried(open.kmsHost);
    if (!tried) return;
    this.hosts.get(tried.name)!.answered++;
    const stored = this.collected.get(tried.name);
    // Only an answer that carries the host's count: success, or "count insufficient".
    if (stored === undefined || (r.result !== 0 && r.result !== RESULT_NOT_ENOUGH_COUNT)) return;
    const key = `${stored}\u0000${open.application}\u0000${open.minimumCount}`;
    const prev = this.reported.get(key);
    if (!prev || r.time >= prev.time) {
      this.reported.set(key, {
        host: stored,
        application: open.application,
        minimumCount: open.minimumCount,
        reportedAt: iso(r.time),
        machine: state.name,
        reported: r.currentCount,
        time: r.time,
      });
    }
  }

  build(): TruthClientSide {
    const unanswered: TruthUnanswered[] = [];
    for (const state of this.computers.values()) {
      if (state.open) {
        const pending = !state.open.answered && state.open.result !== RESULT_NOT_CONTACTED && this.at - state.open.time < PAIRING_WINDOW_MS;
        if (!pending) this.judge(state, state.open);
        state.open = null;
      }
      if (!state.newest?.failed) continue;
      const req = state.newest.request;
      const tried = splitHostTried(req.kmsHost);
      unanswered.push({
        machine: state.name,
        hostTried: tried ? req.kmsHost : null,
        host: tried ? this.hostOf(tried.name) : null,
        reason: req.result === RESULT_NOT_CONTACTED ? 'not-contacted' : 'no-response',
        result: hresult(req.result),
        lastAt: iso(req.time),
        attempts: state.attempts,
      });
    }
    // Newest first, then by machine (the report's order).
    unanswered.sort((a, b) => cmp(b.lastAt, a.lastAt) || cmp(a.machine.toLowerCase(), b.machine.toLowerCase()));

    const hosts: TruthClientHost[] = [...this.hosts.values()]
      .map((h) => ({
        name: h.name,
        port: h.port,
        host: this.hostOf(h.name),
        status: this.statusOf(h.name),
        machines: h.machines.size,
        requests: h.requests,
        answered: h.answered,
        lastAt: iso(h.lastAt),
        clients: sortedMachines(h.machines).slice(0, HOST_CLIENTS_LISTED),
      }))
      // Most used first.
      .sort((a, b) => b.machines - a.machines || b.requests - a.requests || cmp(a.name, b.name) || (a.port ?? -1) - (b.port ?? -1));

    const rogueHosts = [...this.hosts.values()]
      .filter((h) => this.statusOf(h.name) === 'rogue')
      .map((h) => ({ host: h.name, clients: sortedMachines(h.machines) }))
      .sort((a, b) => cmp(a.host, b.host));

    const reportedCounts = [...this.reported.values()]
      .map(({ time: _time, ...r }) => r)
      .sort((a, b) => cmp(a.host.toLowerCase(), b.host.toLowerCase()) || cmp(a.application, b.application) || b.minimumCount - a.minimumCount);

    return {
      requestsSent: this.requestsSent,
      responses: this.responses,
      machines: [...this.computers.values()].filter((c) => c.sent > 0).length,
      pairingWindowMinutes: PAIRING_WINDOW_MS / 60_000,
      unanswered,
      hosts,
      knownHosts: [...this.directory.known],
      rogueHosts,
      reportedCounts,
    };
  }

  private judge(state: ComputerState, request: OpenRequest): void {
    const failed = !request.answered || request.result === RESULT_NOT_CONTACTED;
    if (failed) state.attempts++;
    state.newest = { request, failed };
  }

  private statusOf(name: string): ClientHostStatus {
    if (this.collected.has(name)) return 'collected';
    return this.known.has(name) ? 'known' : 'rogue';
  }

  private hostOf(name: string): string | null {
    return this.collected.get(name) ?? this.known.get(name) ?? null;
  }

  private computer(name: string): ComputerState {
    const key = name.toLowerCase();
    let state = this.computers.get(key);
    if (!state) this.computers.set(key, (state = { name, open: null, newest: null, attempts: 0, sent: 0 }));
    return state;
  }
}
