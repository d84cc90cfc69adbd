/**
 * docs/alerts.md "Damaged EVTX": an alert that would not fire without the events read from EVTX
 * chunks whose CRC failed (docs/definitions.md "damaged chunk") is still listed, but as `info`,
 * with a summary that says so and names the files to check: a flipped byte in a machine or host
 * name makes a false clone or a bogus host, which must not page anyone as if it were real. The
 * tests of "rests on damaged chunks" are the report's (src/analysis/damaged.ts).
 */
import { damagedFailureRequests, damagedOnlyClones, damagedOnlyHosts, failureKey, failureResultText } from '../analysis/damaged.js';
import type { CloneRow, DamagedEventRow, HostActivityRow, HostEventCountRow, Store } from '../store/types.js';
import type { AlertRulesConfig } from './config.js';
import type { AlertFacts } from './facts.js';
import { HOUR, hresultHex } from './rules/shared.js';
import type { AlertCandidate } from './types.js';

export interface AlertDamage {
  /** Stored events with time <= at read from damaged EVTX chunks. */
  rows: DamagedEventRow[];
  /** Lower-cased hosts whose every request and host event came from damaged chunks (a bogus host). */
  hosts: Set<string>;
  /** Lower-cased CMIDs of the clones that have fewer than two machine names without damaged requests. */
  clones: Set<string>;
}

/** The text added to the summary of an alert that rests on damaged chunks, before the files. */
export const DAMAGED_ONLY_NOTE = 'only in damaged EVTX chunks (CRC failed): check';

/** Files named in a summary; the others are counted (details.damagedFiles has them all). */
const FILES_NAMED = 3;

const lower = (s: string) => s.toLowerCase();

/** Lower-cased hosts whose every request (hostActivity) and host event (hostEventCounts) came from damaged chunks. */
export function damagedHosts(hosts: readonly HostActivityRow[], hostEvents: readonly HostEventCountRow[], rows: readonly DamagedEventRow[]): Set<string> {
  if (rows.length === 0) return new Set();
  return damagedOnlyHosts([...hosts.map((h) => [h.host, h.requests] as const), ...hostEvents.map((e) => [e.host, e.count] as const)], rows);
}

export async function gatherDamage(
  store: Store,
  at: number,
  hosts: readonly HostActivityRow[],
  hostEvents: readonly HostEventCountRow[],
  clones: readonly CloneRow[],
): Promise<AlertDamage> {
  const rows = await store.damagedEvents(at);
  if (rows.length === 0) return { rows, hosts: new Set(), clones: new Set() };
  return {
    rows,
    hosts: damagedHosts(hosts, hostEvents, rows),
    clones: await damagedOnlyClones(store, clones.map((c) => c.cmid), rows, at),
  };
}

/** The damaged files (sorted) that `rows` were read from. */
function filesOf(rows: readonly DamagedEventRow[]): string[] {
  return [...new Set(rows.map((r) => r.file))].sort();
}

/**
 * The files whose damaged events the candidate rests on, or null when it would fire without them.
 * Clone: the CMID is a damaged-only clone. Failure spike: the failed requests not read from damaged
 * chunks are too few, or from too few machines, to make a spike. Any other alert about a host: the
 * host is a damaged-only host.
 */
function damagedEvidence(c: AlertCandidate, facts: AlertFacts, rules: AlertRulesConfig): string[] | null {
  const { damage } = facts;
  if (c.rule === 'clone') {
    const cmid = typeof c.details.cmid === 'string' ? lower(c.details.cmid) : null;
    if (cmid === null || !damage.clones.has(cmid)) return null;
    return filesOf(damage.rows.filter((r) => r.kind === 'request' && r.cmid !== null && lower(r.cmid) === cmid));
  }
  if (c.host === null) return null;
  const host = lower(c.host);
  if (c.rule === 'failure-spike') {
    const cfg = rules.failureSpike;
    const from = facts.at - cfg.hours * HOUR;
    const hex = c.details.resultHex;
    const damaged = damagedFailureRequests(damage.rows, from, facts.at);
    let requests = 0;
    const machines = new Set<string>();
    for (const f of facts.failures) {
      if (lower(f.host) !== host || hresultHex(f.result) !== hex) continue;
      const sound = f.requests - Math.min(f.requests, damaged.get(failureKey(f.machine, f.cmid, f.host, failureResultText(f.result))) ?? 0);
      requests += sound;
      if (sound > 0) machines.add(lower(f.machine));
    }
    if (requests >= cfg.minRequests && machines.size >= cfg.minMachines) return null;
    return filesOf(
      damage.rows.filter((r) => r.kind === 'request' && r.result !== null && r.time > from && lower(r.host) === host && hresultHex(r.result) === hex),
    );
  }
  if (!damage.hosts.has(host)) return null;
  return filesOf(damage.rows.filter((r) => (r.kind === 'request' || r.kind === 'host') && lower(r.host) === host));
}

/**
 * Each candidate that rests on damaged chunks becomes `info` (whatever the rule's severity, forced
 * or not); its summary ends with DAMAGED_ONLY_NOTE and the files; details gain damagedOnly,
 * damagedFiles and normalSeverity (what it would have been). Its id stays, so its state carries on.
 */
export function markDamagedOnly(candidates: AlertCandidate[], facts: AlertFacts, rules: AlertRulesConfig): AlertCandidate[] {
  if (facts.damage.rows.length === 0) return candidates;
  return candidates.map((c) => {
    const files = damagedEvidence(c, facts, rules);
    if (files === null) return c;
    const named = files.slice(0, FILES_NAMED).join(', ') + (files.length > FILES_NAMED ? ` (+${files.length - FILES_NAMED} more)` : '');
    return {
      ...c,
      severity: 'info',
      summary: `${c.summary} — ${DAMAGED_ONLY_NOTE} ${named}`,
      title: `${c.title} — ${DAMAGED_ONLY_NOTE} ${named}`,
      remedy: `Check ${named}: the events this rests on come from EVTX chunks whose CRC failed, so names and numbers may be wrong. Export the log again; if the alert stays, ${lowerFirst(c.remedy)}`,
      details: { ...c.details, damagedOnly: true, damagedFiles: files, normalSeverity: c.severity },
    };
  });
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
