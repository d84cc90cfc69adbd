import type { AlertState } from '../store/types.js';
import { alertRemedy, alertTitle, parseDetails } from '../alerts/state.js';
import { thresholdFor } from '../analysis/thresholds.js';
import type { Digest } from './digest.js';
import { oneLine } from './escape.js';

const iso = (t: number | null) => (t === null ? '-' : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`);

/** `  [CRITICAL] title`, what to do, when; no alert id (the reader has no use for it). */
function alertLines(a: AlertState, resolved: boolean): string[] {
  const lines = [`  [${resolved ? 'RESOLVED' : a.severity.toUpperCase()}] ${oneLine(alertTitle(a))}`];
  if (!resolved) lines.push(`      What to do: ${oneLine(alertRemedy(a))}`);
  lines.push(`      first seen ${iso(a.firstSeen)}, ${resolved ? `resolved ${iso(a.resolvedAt)}` : `last seen ${iso(a.lastSeen)}`}`);
  const total = parseDetails(a).clientsTotal;
  if (!resolved && typeof total === 'number' && total > 0) lines.push(`      ${total} affected client${total === 1 ? '' : 's'} (clients.csv)`);
  return lines;
}

/** Beside a count computed from less than the whole window (also used by the HTML part). */
export const PARTIAL_COUNT_NOTE = 'PARTIAL: the stored log does not cover the whole 30-day window, the count may be too low';

/** Beside a host of the count table whose every event came from damaged chunks (also used by the HTML part). */
export const DAMAGED_HOST_NOTE = 'host seen only in damaged EVTX chunks (CRC failed)';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `3915 requests, 80 clients, 82 machines, 2 hosts, 1 anomaly` (also used by the HTML part). */
export function totalsLine(d: Digest): string {
  const t = d.summary.totals;
  return [plural(t.requests, 'request'), plural(t.clients, 'client'), plural(t.machines, 'machine'), plural(t.hosts, 'host'), plural(t.anomalies, 'anomaly', 'anomalies')].join(', ');
}

/** The plain-text part of the digest mail. */
export function renderText(d: Digest): string {
  const out: string[] = [`kmswatch report at ${iso(d.summary.at)}`, ''];
  const section = (title: string, alerts: AlertState[], resolved = false) => {
    if (alerts.length === 0) return;
    out.push(`${title} (${alerts.length})`);
    for (const a of alerts) out.push(...alertLines(a, resolved));
    out.push('');
  };
  section('New alerts', d.pending.opened);
  section('Resolved', d.pending.resolved, true);
  section('Still open', d.pending.ongoing);
  if (d.pending.opened.length + d.pending.resolved.length + d.pending.ongoing.length === 0) out.push('No alerts.', '');

  out.push('KMS count per host and application (last 30 days)');
  if (d.summary.counts.length === 0) out.push('  no counted requests in the window');
  for (const c of d.summary.counts) {
    const th = c.thresholds.map((t) => `${t.minimum} for ${thresholdFor(t.minimum)}: ${t.met ? 'met' : 'NOT met'}`).join(', ');
    const damaged = c.damagedOnly ? ` — ${DAMAGED_HOST_NOTE}` : '';
    const partial = c.partial ? ` — ${PARTIAL_COUNT_NOTE}` : '';
    out.push(`  ${oneLine(c.host)}  ${c.application}  current ${c.current}  (${th})  last request ${iso(c.lastRequestAt)}${partial}${damaged}`);
  }
  out.push('', `Totals: ${totalsLine(d)}`);
  return `${out.join('\n')}\n`;
}
