/**
 * The report's tables as DOM: the dashboard and the offline page render the same things. Columns
 * are listed deciding ones first: on a narrow screen the rows stack in this order.
 */
import type { ClientReport, HealthLine, HostReport, Report } from '../../../analysis/types.js';
import type { OverviewAlert, OverviewFailure } from '../../overview.js';
import { partialNote } from '../../overview.js';
import { severityBadge } from './badge.js';
import { el, table, type Column } from './dom.js';
import { hostEventName, num, plural, when } from './format.js';

export function alertTable(alerts: readonly OverviewAlert[]): HTMLElement {
  const order = { critical: 0, warning: 1, info: 2 } as const;
  const rows = [...alerts].sort((a, b) => order[a.severity] - order[b.severity]);
  const t = table<OverviewAlert>('alerts', [
    { header: 'Alert', field: 'title', value: (a) => a.title, primary: true },
    { header: 'Severity', field: 'severity', value: (a) => a.severity },
    { header: 'What to do', field: 'remedy', value: (a) => a.remedy },
    { header: 'Host', field: 'host', value: (a) => a.host ?? 'all hosts', nowrap: true },
    { header: 'Clients', field: 'clients', value: (a) => a.clients, numeric: true },
  ], rows, { empty: 'No alert: every rule is quiet at this time.' });
  // the severity cell as a badge (colour, icon and word)
  t.querySelectorAll<HTMLElement>('tbody td[data-field="severity"]').forEach((td, i) => td.replaceChildren(severityBadge(rows[i].severity)));
  return t;
}

export const FAILURE_COLUMNS: Column<OverviewFailure>[] = [
  { header: 'Machine', field: 'machine', value: (f) => f.machine, nowrap: true, primary: true },
  { header: 'Result', field: 'result', value: (f) => f.result, nowrap: true },
  { header: 'Product', field: 'product', value: (f) => f.product ?? '' },
  { header: 'Host', field: 'host', value: (f) => f.host, nowrap: true },
  { header: 'Requests', field: 'requests', value: (f) => f.requests, numeric: true },
  { header: 'Last', field: 'lastAt', value: (f) => when(f.lastAt), nowrap: true },
  { header: 'Remedy', field: 'remedy', value: (f) => f.remedy },
  { header: 'Likely cause', field: 'cause', value: (f) => f.cause },
  { header: 'Meaning', field: 'meaning', value: (f) => f.meaning },
];

export function failures(rows: readonly OverviewFailure[], total: number): HTMLElement {
  return el(
    'div',
    {},
    total > rows.length ? el('p', { class: 'muted' }, `The ${num(rows.length)} failures with the most requests of ${num(total)}.`) : null,
    table('failures', FAILURE_COLUMNS, rows, { empty: 'No failed request in the 30-day window.' }),
  );
}

export function clones(report: Report): HTMLElement {
  return table('clones', [
    { header: 'CMID', field: 'cmid', value: (c) => c.cmid, nowrap: true, primary: true },
    { header: 'Machine names', field: 'machines', value: (c) => c.machines.join(', ') },
    { header: 'Names', field: 'names', value: (c) => c.machines.length, numeric: true },
    { header: 'First seen', field: 'firstSeen', value: (c) => when(c.firstSeen), nowrap: true },
    { header: 'Last seen', field: 'lastSeen', value: (c) => when(c.lastSeen), nowrap: true },
  ], report.clones, { empty: 'No CMID was sent by more than one machine name: no cloned image seen.' });
}

export function products(report: Report): HTMLElement {
  return table('products', [
    { header: 'Product', field: 'product', value: (p) => p.product, primary: true },
    { header: 'Application', field: 'application', value: (p) => p.application },
    { header: 'Clients', field: 'clients', value: (p) => p.clients, numeric: true },
    { header: 'Requests', field: 'requests', value: (p) => p.requests, numeric: true },
    { header: 'Last seen', field: 'lastSeen', value: (p) => when(p.lastSeen), nowrap: true },
    { header: 'Activation ID', field: 'activationId', value: (p) => p.activationId, nowrap: true },
  ], report.products, { empty: 'No activation request up to this time.' });
}

/** Per host and log: what the stored events cover, the holes, the files and zones they came from. */
export function coverage(report: Report): HTMLElement {
  const rows = report.hosts.flatMap((h) => h.coverage.map((c) => ({ host: h.host, ...c })));
  const holeKind = { 'records-missing': 'records missing', 'log-cleared': 'log cleared', 'before-first-event': 'before the first event' } as const;
  return table('coverage', [
    { header: 'Host', field: 'host', value: (c) => c.host, nowrap: true, primary: true },
    { header: 'Log', field: 'log', value: (c) => c.log },
    { header: 'Window covered', field: 'coversWindow', value: (c) => c.coversWindow },
    { header: 'First event', field: 'firstEventAt', value: (c) => when(c.firstEventAt), nowrap: true },
    { header: 'Last event', field: 'lastEventAt', value: (c) => when(c.lastEventAt), nowrap: true },
    { header: 'Holes', field: 'holes', value: (c) => c.holes.map((x) => `${when(x.from)} – ${when(x.to)} (${holeKind[x.kind]})`).join('; ') },
    { header: 'Read from (zone)', field: 'sources', value: (c) => [...new Map(c.stretches.map((s) => [s.source, s.zone])).entries()].map(([src, zone]) => (zone ? `${src} in ${zone}` : src)).join('; '), className: 'path' },
  ], rows, { empty: 'No log stored.' });
}

function worstLine(report: Report, host: string): HealthLine | undefined {
  return (report.health ?? []).find((l) => l.host.toLowerCase() === host.toLowerCase());
}

function hostEvents(h: HostReport): string {
  return h.events.map((e) => `${hostEventName(e.type)}: ${plural(e.count, 'time')}, last ${when(e.lastAt)}`).join('\n');
}

export function hosts(report: Report): HTMLElement {
  const t = table<HostReport>('hosts', [
    { header: 'Host', field: 'host', value: (h) => h.host, nowrap: true, primary: true },
    { header: 'Health', field: 'health', value: (h) => worstLine(report, h.host)?.status ?? '' },
    { header: 'Active clients', field: 'active', value: (h) => h.counts.map((c) => `${c.application}: ${num(c.active)} (host reports ${num(c.current)})`).join('\n') || 'none in the window', className: 'lines' },
    { header: 'Requests', field: 'requests', value: (h) => h.requests, numeric: true },
    { header: 'Last request', field: 'lastRequestAt', value: (h) => when(h.lastRequestAt), nowrap: true },
    { header: `Idle (> ${report.idleHours} h)`, field: 'idle', value: (h) => h.idle },
    { header: 'DNS publish failed', field: 'dnsPublishFailures', value: (h) => h.dnsPublishFailures, numeric: true },
    { header: 'Last DNS failure', field: 'lastDnsFailureAt', value: (h) => when(h.events.find((e) => e.type === 'dns-publish-failed')?.lastAt), nowrap: true },
    { header: 'DNS publish ok', field: 'dnsPublishSuccesses', value: (h) => h.dnsPublishSuccesses, numeric: true },
    { header: 'Log clears', field: 'logClears', value: (h) => h.logClears, numeric: true },
    { header: 'First request', field: 'firstRequestAt', value: (h) => when(h.firstRequestAt), nowrap: true },
    { header: 'Host events', field: 'events', value: hostEvents, className: 'lines' },
  ], report.hosts, { empty: 'No KMS host seen up to this time.' });
  t.querySelectorAll<HTMLElement>('tbody td[data-field="health"]').forEach((td, i) => {
    const line = worstLine(report, report.hosts[i].host);
    if (line) td.replaceChildren(severityBadge(line.severity, line.status.replace(/-/g, ' ')));
  });
  const notes = report.hosts.map(partialNote).filter((n): n is string => n !== null);
  return el('div', {}, t, ...notes.map((n) => el('p', { class: 'partial-note' }, n)), el('h3', {}, 'Coverage of the stored logs'), coverage(report));
}

export function anomalies(report: Report): HTMLElement {
  return el(
    'div',
    {},
    el('p', {}, 'Anomalies: ', el('span', { 'data-field': 'anomalies.total' }, num(report.totals.anomalies)), report.totals.anomalies > report.anomalies.length ? ` (newest ${num(report.anomalies.length)} listed)` : ''),
    table('anomalies', [
      { header: 'Time', field: 'time', value: (a) => when(a.time), nowrap: true, primary: true },
      { header: 'Host', field: 'host', value: (a) => a.host, nowrap: true },
      { header: 'Reason', field: 'reason', value: (a) => a.reason },
      { header: 'Event', field: 'eventId', value: (a) => a.eventId },
      { header: 'Provider', field: 'provider', value: (a) => a.provider },
      { header: 'Data', field: 'raw', value: (a) => (a.raw.length > 200 ? `${a.raw.slice(0, 200)}…` : a.raw), className: 'raw' },
    ], report.anomalies, { empty: 'No anomaly: every stored KMS event had the documented shape.' }),
    el('h3', {}, 'Log clears'),
    table('logClears', [
      { header: 'Host', field: 'host', value: (c) => c.host, nowrap: true, primary: true },
      { header: 'Channel', field: 'channel', value: (c) => c.channel },
      { header: 'Epoch', field: 'epoch', value: (c) => c.epoch, numeric: true },
      { header: 'Detected', field: 'detectedAt', value: (c) => when(c.detectedAt), nowrap: true },
    ], report.logClears, { empty: 'No log clear detected.' }),
  );
}

export const CLIENT_COLUMNS: Column<ClientReport>[] = [
  { header: 'Machine', field: 'machine', value: (c) => c.machine, nowrap: true, primary: true },
  { header: 'State', field: 'state', value: (c) => c.state },
  { header: 'Result', field: 'result', value: (c) => c.result, nowrap: true },
  { header: 'Expires', field: 'expiresAt', value: (c) => when(c.expiresAt), nowrap: true },
  { header: 'Last seen', field: 'lastSeen', value: (c) => when(c.lastSeen), nowrap: true },
  { header: 'Host', field: 'host', value: (c) => c.host, nowrap: true },
  { header: 'Product', field: 'product', value: (c) => c.product },
  { header: 'Flags', field: 'flags', value: (c) => [c.lapsed && 'lapsed', c.overdue && 'overdue', c.expiring && 'expiring'].filter(Boolean).join(' ') },
  { header: 'VM', field: 'isVm', value: (c) => c.isVm },
  { header: 'CMID', field: 'cmid', value: (c) => c.cmid, nowrap: true },
];
