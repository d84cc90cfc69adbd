/**
 * docs/definitions.md "coverage" and "partial": which period each host's stored logs cover, the
 * holes in it, and whether the counts were computed from the whole 30-day window. From the
 * stretches the store kept of each log (store/spans.ts): a stretch is one source's run of a log.
 *   - record ids missing between two stretches of one epoch are a hole (the Key Management Service
 *     log holds only KMS events, so its record ids run without gaps; in the Application log KMS
 *     events are a few among many and their ids say nothing), unless a stretch without record ids
 *     covers that time;
 *   - between the last event before a log clear and the first one after it is a hole; it makes counts
 *     partial only when longer than a day (CLEAR_GAP_MS): a log is usually cleared right after it was
 *     exported, and a busy host's log holds a request every few minutes, so a short gap lost nothing
 *     that matters to a 30-day count;
 *   - a log whose first stored event is later than the window's start has a hole before it (not
 *     the Application log: a KMS event there is rare, its first one says nothing of the log).
 * A host's counts are partial when its request logs (every log but Application) do not cover the
 * window from its start to their last stored event.
 */
import { APPLICATION_CHANNEL, KMS_CHANNEL } from '../kms/types.js';
import type { LogSpanRow, Store } from '../store/types.js';
import { iso } from './time.js';
import type { CoverageHoleReport, CoverageStretchReport, HostReport, LogCoverageReport } from './types.js';

/** A gap at a log clear longer than this makes counts partial (see above). */
const CLEAR_GAP_MS = 24 * 3600 * 1000;

/** Whether a hole leaves requests out of the counts (docs/definitions.md "partial"). */
const losesRequests = (h: Hole) => h.kind !== 'log-cleared' || h.to - h.from > CLEAR_GAP_MS;

interface Hole {
  kind: CoverageHoleReport['kind'];
  from: number;
  to: number;
  firstMissing: number | null;
  lastMissing: number | null;
}

interface LogCoverage {
  log: string;
  first: number;
  last: number;
  holes: Hole[];
  stretches: LogSpanRow[];
}

/** The coverage of each log of one host, from its stretches (time <= at only). */
export function logCoverage(spans: readonly LogSpanRow[], from: number, at: number): LogCoverage[] {
  const byLog = new Map<string, LogSpanRow[]>();
  for (const s of spans) {
    if (s.firstTime > at) continue;
    const list = byLog.get(s.channel);
    if (list === undefined) byLog.set(s.channel, [s]);
    else list.push(s);
  }
  const out: LogCoverage[] = [];
  for (const [log, stretches] of byLog) {
    stretches.sort((a, b) => a.firstTime - b.firstTime || a.epoch - b.epoch);
    const first = Math.min(...stretches.map((s) => s.firstTime));
    const last = Math.min(at, Math.max(...stretches.map((s) => s.lastTime)));
    const holes: Hole[] = [];
    // the Application log holds a KMS event now and then: its first one says nothing of what it covers
    if (first > from && log !== APPLICATION_CHANNEL) holes.push({ kind: 'before-first-event', from, to: first, firstMissing: null, lastMissing: null });
    const withoutIds = stretches.filter((s) => s.firstRecordId === null);
    const coveredByTime = (a: number, b: number) => withoutIds.some((s) => s.firstTime <= a && s.lastTime >= b);
    const epochs = [...new Set(stretches.map((s) => s.epoch))].sort((a, b) => a - b);
    let previousEpochEnd: number | null = null;
    for (const epoch of epochs) {
      const own = stretches.filter((s) => s.epoch === epoch);
      const start = Math.min(...own.map((s) => s.firstTime));
      if (previousEpochEnd !== null && start > previousEpochEnd && !coveredByTime(previousEpochEnd, start)) {
        holes.push({ kind: 'log-cleared', from: previousEpochEnd, to: start, firstMissing: null, lastMissing: null });
      }
      previousEpochEnd = Math.max(...own.map((s) => s.lastTime));
      if (log === APPLICATION_CHANNEL) continue;
      const withIds = own.filter((s) => s.firstRecordId !== null && s.lastRecordId !== null).sort((a, b) => (a.firstRecordId as number) - (b.firstRecordId as number));
      let reach: LogSpanRow | null = null;
      for (const s of withIds) {
        if (reach !== null && (s.firstRecordId as number) > (reach.lastRecordId as number) + 1 && s.firstTime > reach.lastTime && !coveredByTime(reach.lastTime, s.firstTime)) {
          holes.push({ kind: 'records-missing', from: reach.lastTime, to: s.firstTime, firstMissing: (reach.lastRecordId as number) + 1, lastMissing: (s.firstRecordId as number) - 1 });
        }
        if (reach === null || (s.lastRecordId as number) > (reach.lastRecordId as number)) reach = s;
      }
    }
    holes.sort((a, b) => a.from - b.from);
    out.push({ log, first, last, holes: holes.filter((h) => h.from < at), stretches });
  }
  return out.sort((a, b) => logOrder(a.log) - logOrder(b.log) || (a.log < b.log ? -1 : a.log > b.log ? 1 : 0));
}

function logOrder(log: string): number {
  return log === KMS_CHANNEL ? 0 : log === APPLICATION_CHANNEL ? 2 : 1;
}

/** Whether a log covers (from, its last event] without a hole (the Application log: without a hole there). */
function coversWindow(c: LogCoverage, from: number, at: number): boolean {
  return (c.first <= from || c.log === APPLICATION_CHANNEL) && !c.holes.some((h) => losesRequests(h) && h.to > from && h.from < at);
}

/**
 * Whether the request logs together cover the window from its start to their last stored event:
 * each log covers its first to last event minus its holes; together, their union.
 */
export function requestLogsCoverWindow(logs: readonly LogCoverage[], from: number, at: number): boolean {
  const request = logs.filter((l) => l.log !== APPLICATION_CHANNEL);
  if (request.length === 0) return false;
  const intervals: [number, number][] = [];
  for (const l of request) {
    let start = l.first;
    for (const h of l.holes) {
      if (h.kind === 'before-first-event' || !losesRequests(h)) continue;
      if (h.from > start) intervals.push([start, h.from]);
      start = Math.max(start, h.to);
    }
    if (l.last >= start) intervals.push([start, l.last]);
  }
  intervals.sort((a, b) => a[0] - b[0]);
  const end = Math.min(at, Math.max(...request.map((l) => l.last)));
  let reached = from;
  for (const [a, b] of intervals) {
    if (a > reached) break;
    reached = Math.max(reached, b);
  }
  return intervals.length > 0 && intervals[0][0] <= from && reached >= end;
}

function stretchReport(s: LogSpanRow): CoverageStretchReport {
  return {
    source: s.source, zone: s.zone, epoch: s.epoch, from: iso(s.firstTime), to: iso(s.lastTime),
    firstRecordId: s.firstRecordId, lastRecordId: s.lastRecordId, events: s.events,
  };
}

function logReport(c: LogCoverage, from: number, at: number): LogCoverageReport {
  return {
    log: c.log,
    firstEventAt: iso(c.first),
    lastEventAt: iso(c.last),
    coversWindow: coversWindow(c, from, at),
    holes: c.holes.map((h) => ({ kind: h.kind, from: iso(h.from), to: iso(h.to), firstMissingRecordId: h.firstMissing, lastMissingRecordId: h.lastMissing })),
    stretches: c.stretches.map(stretchReport),
  };
}

/** Fills each host's coverage and marks it and its counts partial (docs/definitions.md "partial"). */
export function describeCoverage(hosts: HostReport[], spans: readonly LogSpanRow[], from: number, at: number): HostReport[] {
  const byHost = new Map<string, LogSpanRow[]>();
  for (const s of spans) {
    const list = byHost.get(s.hostKey);
    if (list === undefined) byHost.set(s.hostKey, [s]);
    else list.push(s);
  }
  for (const h of hosts) {
    const logs = logCoverage(byHost.get(h.host.toLowerCase()) ?? [], from, at);
    h.coverage = logs.map((l) => logReport(l, from, at));
    h.partial = !requestLogsCoverWindow(logs, from, at);
    for (const c of h.counts) c.partial = h.partial;
  }
  return hosts;
}

export async function withCoverage(store: Store, hosts: HostReport[], from: number, at: number): Promise<HostReport[]> {
  return describeCoverage(hosts, await store.coverage(hostsOf(hosts)), from, at);
}

/** The distinct hosts of a list, sorted: one coverage read for the same hosts (shared-reads.ts keys on the arguments). */
export function hostsOf(rows: readonly { host: string }[]): string[] {
  return [...new Set(rows.map((r) => r.host))].sort();
}

/**
 * Whether a host's counts at `at` are partial (docs/definitions.md "partial"), for outputs that
 * compute counts without the whole report (mail, alerts, metrics).
 */
export function partialCounts(spans: readonly LogSpanRow[], from: number, at: number): (host: string) => boolean {
  const ofHost = spansByHost(spans);
  return (host) => ofHost(host, from, at);
}

/**
 * Whether a host's counts over (from, at] are partial, for any window: the spans indexed by host
 * once (the client-side section asks at each 12289's time; client computers' logs have spans too).
 */
export function spansByHost(spans: readonly LogSpanRow[]): (host: string, from: number, at: number) => boolean {
  const byHost = new Map<string, LogSpanRow[]>();
  for (const s of spans) {
    const list = byHost.get(s.hostKey);
    if (list === undefined) byHost.set(s.hostKey, [s]);
    else list.push(s);
  }
  const known = new Map<string, boolean>();
  return (host, from, at) => {
    const key = `${host.toLowerCase()}\u0000${from}\u0000${at}`;
    let partial = known.get(key);
    if (partial === undefined) {
      partial = !requestLogsCoverWindow(logCoverage(byHost.get(host.toLowerCase()) ?? [], from, at), from, at);
      known.set(key, partial);
    }
    return partial;
  };
}
