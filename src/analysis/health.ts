import { forecastCountDrop } from '../alerts/forecast.js';
import type { KmsApplication } from '../kms/types.js';
import type { ClientRow } from '../store/types.js';
import { countSources, lowCountRemedy } from './count-sources.js';
import type { CountedClient } from './counted.js';
import { formatDuration, isoMinute, plural, wholeDays } from './duration.js';
import { countAtRiskRemedy, dnsPublishRemedy, idleRemedy, partialCoverageRemedy } from './remedies.js';
import { thresholdFor } from './thresholds.js';
import { RENEWAL_DAYS } from './time.js';
import type { CountReport, HealthLine, HealthStatus, HostReport } from './types.js';

export interface HealthInputs {
  at: number;
  idleHours: number;
  hosts: readonly HostReport[];
  /** Per lower-case host, the window's counts with unknown products folded in (unknown-products.ts). */
  counts: ReadonlyMap<string, readonly CountReport[]>;
  /** The newest last counted requests per host and application (counted.ts, folded likewise). */
  counted: readonly CountedClient[];
  /** Latest request per client (who waits on a count, where more could come from): needed only when belowThreshold(counts). */
  clients: readonly ClientRow[];
}

/** Worst first; the order of HealthStatus. */
export const HEALTH_ORDER: readonly HealthStatus[] = ['below-threshold', 'dns-failing', 'idle', 'at-risk', 'partial-coverage', 'ok'];

const SEVERITY: Record<HealthStatus, HealthLine['severity']> = {
  'below-threshold': 'critical',
  'dns-failing': 'warning',
  idle: 'warning',
  'at-risk': 'warning',
  'partial-coverage': 'warning',
  ok: 'ok',
};

type Condition = HealthLine['conditions'][number];

/**
 * One line per host and application counted in the window, and one per host for conditions of the
 * whole host (DNS publishing failing, idle), worst first (docs/definitions.md "health").
 */
export function describeHealth(input: HealthInputs): HealthLine[] {
  const lines: HealthLine[] = [];
  for (const host of input.hosts) {
    const hostWide = hostConditions(host, input.at);
    if (hostWide.length > 0) lines.push(line(host.host, null, hostWide, { active: 0, threshold: 0, thresholdFor: '', marginDays: null }));
    for (const count of input.counts.get(host.host.toLowerCase()) ?? []) {
      const l = applicationLine(host, count, input);
      if (l) lines.push(l);
    }
  }
  return lines.sort(
    (a, b) =>
      HEALTH_ORDER.indexOf(a.status) - HEALTH_ORDER.indexOf(b.status) ||
      cmp(a.host.toLowerCase(), b.host.toLowerCase()) ||
      cmp(a.application ?? '', b.application ?? ''),
  );
}

function applicationLine(host: HostReport, count: CountReport, input: HealthInputs): HealthLine | null {
  // The highest minimum seen decides: a count that meets it meets every lower one.
  const threshold = count.thresholds[0]?.minimum;
  if (threshold === undefined) return null;
  const application = count.application;
  const who = thresholdFor(threshold);
  const lower = count.thresholds.slice(1).map((t) => `${t.minimum} for ${thresholdFor(t.minimum)} ${count.current >= t.minimum ? 'met' : 'not met'}`);
  const others = lower.length > 0 ? ` (${lower.join(', ')})` : '';
  const active = `${plural(count.active, `active ${application} client`)} against the ${threshold} that ${who} need${others}`;
  const conditions: Condition[] = [];
  let marginDays: number;
  if (count.active < threshold) {
    marginDays = 0;
    const sources = countSources(input.clients, host.host, application, count.current, input.at);
    conditions.push({
      status: 'below-threshold',
      text: `${active}: below it, ${plural(threshold - count.active, 'client')} short.`,
      remedy: lowCountRemedy(host.host, threshold, count.current, sources),
    });
  } else {
    const lastSeen = input.counted
      .filter((c) => c.application === application && c.host.toLowerCase() === host.host.toLowerCase())
      .map((c) => c.lastSeen);
    marginDays = countMarginDays(lastSeen, threshold, input.at);
    const margin = `stays at or above ${threshold} for at least ${plural(marginDays, 'day')} even if no client returns`;
    if (marginDays < RENEWAL_DAYS) {
      conditions.push({
        status: 'at-risk',
        text: `${active}: ${margin}, less than the ${RENEWAL_DAYS}-day renewal interval.`,
        remedy: countAtRiskRemedy(host.host),
      });
    } else conditions.push({ status: 'ok', text: `${active}: ${margin}.`, remedy: null });
  }
  if (count.partial || host.partial) {
    conditions.push({
      status: 'partial-coverage',
      text: `The stored log of ${host.host} does not cover the whole 30-day window: the real count may be higher.`,
      remedy: partialCoverageRemedy(host.host),
    });
  }
  const found = conditions.some((c) => c.status !== 'ok') ? conditions.filter((c) => c.status !== 'ok') : conditions;
  const l = line(host.host, application, found, { active: count.active, threshold, thresholdFor: who, marginDays });
  // The line's text keeps the numbers even when partial coverage is the worst condition.
  if (l.status === 'partial-coverage') l.text = `${conditions[0].text} ${l.text}`;
  return l;
}

/** Whether a count is below the threshold it is asked for: then its line names who waits and where more could come from. */
export function belowThreshold(counts: ReadonlyMap<string, readonly CountReport[]>): boolean {
  for (const list of counts.values()) {
    for (const c of list) {
      const threshold = c.thresholds[0]?.minimum;
      if (threshold !== undefined && c.active < threshold) return true;
    }
  }
  return false;
}

/**
 * Whole days the count stays at or above `threshold` if no client returns, from the last counted
 * request of each client the host counts (docs/definitions.md "margin").
 */
export function countMarginDays(lastSeen: readonly number[], threshold: number, at: number): number {
  const drop = forecastCountDrop(lastSeen, threshold, at);
  return drop === null ? 0 : wholeDays(drop - at);
}

function hostConditions(host: HostReport, at: number): Condition[] {
  const out: Condition[] = [];
  const failed = host.events.find((e) => e.type === 'dns-publish-failed');
  const ok = host.events.find((e) => e.type === 'dns-publish-ok');
  if (failed && (!ok || Date.parse(ok.lastAt) < Date.parse(failed.lastAt))) {
    const code = failed.lastResult ? ` (${failed.lastResult})` : '';
    const where = failed.lastDomain ? ` in ${failed.lastDomain}` : '';
    const since = ok ? `last success ${isoMinute(Date.parse(ok.lastAt))}` : 'no success stored';
    out.push({
      status: 'dns-failing',
      text: `DNS publishing of the _vlmcs._tcp SRV record failed${where}${code}, last ${isoMinute(Date.parse(failed.lastAt))}; ${since}.`,
      remedy: dnsPublishRemedy(host.host, failed.lastDomain, failed.lastResult),
    });
  }
  if (host.idle) {
    const last = host.lastRequestAt === null ? null : Date.parse(host.lastRequestAt);
    out.push({
      status: 'idle',
      text:
        last === null
          ? 'No activation request stored.'
          : `No activation request for ${formatDuration(at - last)} (last ${isoMinute(last)}).`,
      remedy: idleRemedy(host.host),
    });
  }
  return out;
}

function line(
  host: string,
  application: KmsApplication | null,
  conditions: Condition[],
  numbers: Pick<HealthLine, 'active' | 'threshold' | 'thresholdFor' | 'marginDays'>,
): HealthLine {
  const sorted = [...conditions].sort((a, b) => HEALTH_ORDER.indexOf(a.status) - HEALTH_ORDER.indexOf(b.status));
  const worst = sorted[0];
  return {
    host,
    application,
    status: worst.status,
    severity: SEVERITY[worst.status],
    ...numbers,
    text: worst.text,
    remedy: worst.remedy,
    conditions: sorted,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
