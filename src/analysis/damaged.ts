/**
 * docs/definitions.md "damaged chunk": what the report says about events read from EVTX chunks
 * whose CRC check failed. They are kept (a real dirty copy fails CRCs on chunks that are mostly
 * good) but listed, and a host, clone or failure that would not be there without them is flagged:
 * a flipped byte in a machine or host name makes a false clone or a bogus host.
 */
import { describeResult, formatHresult } from '../kms/codes.js';
import type { DamagedEventRow, Store } from '../store/types.js';
import type { CloneReport, DamagedChunkReport, DamagedReport, FailureReport, HostReport, Report } from './types.js';

/** Requests of one CMID read to judge a clone: far more than any real client makes. */
const CLONE_REQUESTS_READ = 1_000_000;

const lower = (s: string) => s.toLowerCase();

/** The stored identity of a request, as far as RequestRow carries it (host, record id, second). */
const requestKey = (host: string, recordId: number | null, time: number) => `${lower(host)}\u0000${recordId ?? ''}\u0000${Math.floor(time / 1000)}`;

export function describeDamaged(rows: readonly DamagedEventRow[]): DamagedReport {
  const groups = new Map<string, DamagedChunkReport>();
  let requests = 0;
  for (const r of rows) {
    const key = `${r.file}\u0000${r.chunk}\u0000${lower(r.host)}\u0000${r.channel}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { file: r.file, chunk: r.chunk, check: r.checks, host: r.host, channel: r.channel, firstRecordId: r.recordId, lastRecordId: r.recordId, requests: 0, events: 0 };
      groups.set(key, g);
    }
    g.firstRecordId = Math.min(g.firstRecordId, r.recordId);
    g.lastRecordId = Math.max(g.lastRecordId, r.recordId);
    if (r.kind === 'request') {
      g.requests++;
      requests++;
    } else g.events++;
  }
  const chunks = [...groups.values()].sort((a, b) => cmp(a.file, b.file) || a.chunk - b.chunk || cmp(lower(a.host), lower(b.host)) || cmp(a.channel, b.channel));
  return { requests, events: rows.length - requests, chunks };
}

/**
 * Lower-cased names of the hosts whose every request and host event came from damaged chunks.
 * `evidence`: each host's requests and host events up to at (a host may be listed more than once).
 * Shared with src/alerts/damaged.ts.
 */
export function damagedOnlyHosts(evidence: Iterable<readonly [host: string, count: number]>, rows: readonly DamagedEventRow[]): Set<string> {
  const damaged = new Map<string, number>();
  for (const r of rows) if (r.kind === 'request' || r.kind === 'host') damaged.set(lower(r.host), (damaged.get(lower(r.host)) ?? 0) + 1);
  const total = new Map<string, number>();
  for (const [host, n] of evidence) total.set(lower(host), (total.get(lower(host)) ?? 0) + n);
  const out = new Set<string>();
  for (const [host, n] of total) if (n > 0 && (damaged.get(host) ?? 0) >= n) out.add(host);
  return out;
}

/** Hosts whose every request and host event (time <= at) came from damaged chunks. */
export function flagDamagedHosts(hosts: HostReport[], rows: readonly DamagedEventRow[]): void {
  const only = damagedOnlyHosts(hosts.map((h) => [h.host, h.requests + h.events.reduce((n, e) => n + e.count, 0)] as const), rows);
  for (const h of hosts) h.damagedOnly = only.has(lower(h.host));
}

/** A failure result as the report writes it (`0xC004F074`). */
export const failureResultText = (code: number): string => describeResult(code).hex || formatHresult(code);

/** The key of one failure (machine, CMID, host, result text) in damagedFailureRequests. */
export const failureKey = (machine: string, cmid: string, host: string, result: string): string =>
  `${lower(machine)}\u0000${lower(cmid)}\u0000${lower(host)}\u0000${result}`;

/** Failed requests in (from, at] read from damaged chunks, per failureKey. Shared with src/alerts/damaged.ts. */
export function damagedFailureRequests(rows: readonly DamagedEventRow[], from: number, at: number): Map<string, number> {
  const damaged = new Map<string, number>();
  for (const r of rows) {
    if (r.kind !== 'request' || r.result === null || r.result === 0 || r.time <= from || r.time > at) continue;
    const k = failureKey(r.machine ?? '', r.cmid ?? '', r.host, failureResultText(r.result));
    damaged.set(k, (damaged.get(k) ?? 0) + 1);
  }
  return damaged;
}

/** Failures (window (from, at]) whose every request came from damaged chunks. */
export function flagDamagedFailures(failures: FailureReport[], rows: readonly DamagedEventRow[], from: number, at: number): void {
  const damaged = damagedFailureRequests(rows, from, at);
  for (const f of failures) f.damagedOnly = (damaged.get(failureKey(f.machine, f.cmid, f.host, f.result)) ?? 0) >= f.requests;
}

/**
 * The CMIDs (lower-cased) among `cmids` that rest on damaged chunks: leaving out the CMID's
 * requests from damaged chunks, fewer than two machine names remain. Only the CMIDs with a damaged
 * request are read again. Shared with src/alerts/damaged.ts.
 */
export async function damagedOnlyClones(store: Store, cmids: Iterable<string>, rows: readonly DamagedEventRow[], at: number): Promise<Set<string>> {
  const damagedCmids = new Set<string>();
  const damagedRequests = new Set<string>();
  for (const r of rows) {
    if (r.kind !== 'request' || r.cmid === null) continue;
    damagedCmids.add(lower(r.cmid));
    damagedRequests.add(requestKey(r.host, r.recordId, r.time));
  }
  const out = new Set<string>();
  for (const cmid of cmids) {
    if (!damagedCmids.has(lower(cmid))) continue;
    const sound = new Set<string>();
    for (const r of await store.clientRequests(cmid, CLONE_REQUESTS_READ)) {
      if (r.time <= at && !damagedRequests.has(requestKey(r.host, r.recordId, r.time))) sound.add(lower(r.machine));
    }
    if (sound.size < 2) out.add(lower(cmid));
  }
  return out;
}

/** Clones (time <= at) that rest on damaged chunks (damagedOnlyClones). */
export async function flagDamagedClones(store: Store, clones: CloneReport[], rows: readonly DamagedEventRow[], at: number): Promise<void> {
  const only = await damagedOnlyClones(store, clones.map((c) => c.cmid), rows, at);
  for (const clone of clones) clone.damagedOnly = only.has(lower(clone.cmid));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The report's damaged section and the flags on its hosts, clones and failures (window (from, at]). */
export async function withDamage(store: Store, report: Omit<Report, 'damaged'>, from: number, at: number): Promise<Report> {
  const rows = await store.damagedEvents(at);
  flagDamagedHosts(report.hosts, rows);
  flagDamagedFailures(report.failures, rows, from, at);
  await flagDamagedClones(store, report.clones, rows, at);
  return { ...report, damaged: describeDamaged(rows) };
}
