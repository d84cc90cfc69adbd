/** The report's sections as DOM: the dashboard and the offline page render the same things. */
import type { ClientReport, CountReport, HostReport, Report } from '../../../analysis/types.js';
import type { Timeline } from '../../timeline.js';
import { countChart } from './chart.js';
import { el, shortTime, table, type Column } from './dom.js';
import type { AlertView } from './source.js';

export function totals(report: Report): HTMLElement {
  const card = (label: string, field: string, value: number) => el('div', { class: 'card' }, el('div', { class: 'value', 'data-field': field }, value), el('div', { class: 'label' }, label));
  return el(
    'div',
    { class: 'cards', 'data-section': 'totals' },
    card('requests', 'totals.requests', report.totals.requests),
    card('clients (CMIDs)', 'totals.clients', report.totals.clients),
    card('machines', 'totals.machines', report.totals.machines),
    card('KMS hosts', 'totals.hosts', report.totals.hosts),
    card('anomalies', 'totals.anomalies', report.totals.anomalies),
  );
}

function thresholdText(c: CountReport): string {
  return c.thresholds.map((t) => `${t.minimum}: ${t.met ? 'met' : `not met (${t.minimum - c.current} short)`}`).join(', ');
}

/** Per host and application: current count vs thresholds, the 30-day trend, the forecast. */
export function overview(report: Report, timeline: Timeline | null, alerts: AlertView[] | null): HTMLElement {
  const root = el('div', { class: 'overview' }, totals(report));
  const counts = el('div', { class: 'counts' });
  for (const h of report.hosts) {
    for (const c of h.counts) {
      const s = timeline?.series.find((x) => x.host.toLowerCase() === h.host.toLowerCase() && x.application === c.application);
      const ok = c.thresholds.every((t) => t.met);
      const drops = s?.drops.filter((d) => d.at !== null) ?? [];
      const chart = el('div', { class: 'chart' });
      const card = el(
        'article',
        { class: `count-card ${ok ? 'ok' : 'low'}${c.partial ? ' partial' : ''}`, 'data-host': h.host, 'data-application': c.application, 'data-partial': String(c.partial) },
        el('h3', {}, el('span', { 'data-field': 'host' }, h.host), ' · ', el('span', { 'data-field': 'application' }, c.application)),
        el('p', { class: 'big' }, el('span', { 'data-field': 'current' }, c.current), el('span', { class: 'of' }, ' current count')),
        el('p', {}, 'Active CMIDs ', el('span', { 'data-field': 'active' }, c.active), ' · cap ', el('span', { 'data-field': 'cap' }, c.cap)),
        el('p', { 'data-field': 'thresholds' }, thresholdText(c)),
        c.partial ? el('p', { class: 'partial-note', 'data-field': 'partial' }, partialText(h)) : null,
        drops.length ? el('p', { class: 'forecast', 'data-field': 'forecast' }, drops.map((d) => `below ${d.minimum} on ${shortTime(d.at)} without new clients`).join('; ')) : null,
        chart,
      );
      counts.appendChild(card);
      if (s) requestAnimationFrame(() => countChart(chart, s));
    }
  }
  root.appendChild(el('h2', {}, 'Counts per host and application'));
  root.appendChild(counts);
  if (alerts) {
    root.appendChild(el('h2', {}, 'Open alerts'));
    root.appendChild(alertTable(alerts));
  }
  return root;
}

export function alertTable(alerts: AlertView[]): HTMLElement {
  const cols: Column<AlertView>[] = [
    { header: 'Severity', field: 'severity', value: (a) => a.severity },
    { header: 'Rule', field: 'rule', value: (a) => a.rule },
    { header: 'Host', field: 'host', value: (a) => a.host },
    { header: 'Summary', field: 'summary', value: (a) => a.summary },
    { header: 'Clients', field: 'clients', value: (a) => a.clients },
  ];
  return table('alerts', cols, alerts);
}

export function clones(report: Report): HTMLElement {
  return table('clones', [
    { header: 'CMID', field: 'cmid', value: (c) => c.cmid },
    { header: 'Machine names', field: 'machines', value: (c) => c.machines.join(', ') },
    { header: 'Names', field: 'names', value: (c) => c.machines.length },
    { header: 'First seen', field: 'firstSeen', value: (c) => shortTime(c.firstSeen) },
    { header: 'Last seen', field: 'lastSeen', value: (c) => shortTime(c.lastSeen) },
  ], report.clones);
}

export function failures(report: Report): HTMLElement {
  return table('failures', [
    { header: 'Machine', field: 'machine', value: (f) => f.machine },
    { header: 'Host', field: 'host', value: (f) => f.host },
    { header: 'Result', field: 'result', value: (f) => f.result },
    { header: 'Requests', field: 'requests', value: (f) => f.requests },
    { header: 'Meaning', field: 'meaning', value: (f) => f.meaning },
    { header: 'Likely cause', field: 'cause', value: (f) => f.cause },
    { header: 'Remedy', field: 'remedy', value: (f) => f.remedy },
    { header: 'Last', field: 'lastAt', value: (f) => shortTime(f.lastAt) },
  ], report.failures);
}

export function products(report: Report): HTMLElement {
  return table('products', [
    { header: 'Product', field: 'product', value: (p) => p.product },
    { header: 'Application', field: 'application', value: (p) => p.application },
    { header: 'Clients', field: 'clients', value: (p) => p.clients },
    { header: 'Requests', field: 'requests', value: (p) => p.requests },
    { header: 'Last seen', field: 'lastSeen', value: (p) => shortTime(p.lastSeen) },
    { header: 'Activation ID', field: 'activationId', value: (p) => p.activationId },
  ], report.products);
}

/** Why a host's counts are partial (docs/definitions.md "partial"). */
function partialText(h: HostReport): string {
  const log = h.coverage.find((c) => c.log !== 'Application');
  if (log === undefined) return 'Partial: no request log stored for this host';
  const holes = log.holes.filter((x) => x.kind !== 'before-first-event').length;
  return `Partial: the stored log begins ${shortTime(log.firstEventAt)}${holes ? ` and has ${holes} hole${holes === 1 ? '' : 's'}` : ''}; the count may be too low`;
}

/** Per host and log: what the stored events cover, the holes, the files and zones they came from. */
export function coverage(report: Report): HTMLElement {
  const rows = report.hosts.flatMap((h) => h.coverage.map((c) => ({ host: h.host, ...c })));
  const holeKind = { 'records-missing': 'records missing', 'log-cleared': 'log cleared', 'before-first-event': 'before the first event' } as const;
  return table('coverage', [
    { header: 'Host', field: 'host', value: (c) => c.host },
    { header: 'Log', field: 'log', value: (c) => c.log },
    { header: 'First event', field: 'firstEventAt', value: (c) => shortTime(c.firstEventAt) },
    { header: 'Last event', field: 'lastEventAt', value: (c) => shortTime(c.lastEventAt) },
    { header: 'Window covered', field: 'coversWindow', value: (c) => c.coversWindow },
    { header: 'Holes', field: 'holes', value: (c) => c.holes.map((x) => `${shortTime(x.from)} – ${shortTime(x.to)} (${holeKind[x.kind]})`).join('; ') },
    { header: 'Read from (zone)', field: 'sources', value: (c) => [...new Map(c.stretches.map((s) => [s.source, s.zone])).entries()].map(([src, zone]) => (zone ? `${src} in ${zone}` : src)).join('; ') },
  ], rows);
}

export function hosts(report: Report): HTMLElement {
  return el('div', {}, hostTable(report), el('h3', {}, 'Coverage of the stored logs'), coverage(report));
}

function hostTable(report: Report): HTMLElement {
  return table<HostReport>('hosts', [
    { header: 'Host', field: 'host', value: (h) => h.host },
    { header: 'Requests', field: 'requests', value: (h) => h.requests },
    { header: 'First request', field: 'firstRequestAt', value: (h) => shortTime(h.firstRequestAt) },
    { header: 'Last request', field: 'lastRequestAt', value: (h) => shortTime(h.lastRequestAt) },
    { header: `Idle (> ${report.idleHours} h)`, field: 'idle', value: (h) => h.idle },
    { header: 'DNS publish failed', field: 'dnsPublishFailures', value: (h) => h.dnsPublishFailures },
    { header: 'DNS publish ok', field: 'dnsPublishSuccesses', value: (h) => h.dnsPublishSuccesses },
    { header: 'Log clears', field: 'logClears', value: (h) => h.logClears },
    { header: 'Host events', field: 'events', value: (h) => h.events.map((e) => `${e.type} ×${e.count}`).join(', ') },
  ], report.hosts);
}

export function anomalies(report: Report): HTMLElement {
  return el(
    'div',
    {},
    el('p', {}, 'Anomalies: ', el('span', { 'data-field': 'anomalies.total' }, report.totals.anomalies), report.totals.anomalies > report.anomalies.length ? ` (newest ${report.anomalies.length} listed)` : ''),
    table('anomalies', [
      { header: 'Time', field: 'time', value: (a) => shortTime(a.time) },
      { header: 'Host', field: 'host', value: (a) => a.host },
      { header: 'Event', field: 'eventId', value: (a) => a.eventId },
      { header: 'Provider', field: 'provider', value: (a) => a.provider },
      { header: 'Reason', field: 'reason', value: (a) => a.reason },
      { header: 'Data', field: 'raw', value: (a) => (a.raw.length > 200 ? `${a.raw.slice(0, 200)}…` : a.raw) },
    ], report.anomalies),
    el('h3', {}, 'Log clears'),
    table('logClears', [
      { header: 'Host', field: 'host', value: (c) => c.host },
      { header: 'Channel', field: 'channel', value: (c) => c.channel },
      { header: 'Epoch', field: 'epoch', value: (c) => c.epoch },
      { header: 'Detected', field: 'detectedAt', value: (c) => shortTime(c.detectedAt) },
    ], report.logClears),
  );
}

export const CLIENT_COLUMNS: Column<ClientReport>[] = [
  { header: 'Machine', field: 'machine', value: (c) => c.machine },
  { header: 'Host', field: 'host', value: (c) => c.host },
  { header: 'Product', field: 'product', value: (c) => c.product },
  { header: 'State', field: 'state', value: (c) => c.state },
  { header: 'VM', field: 'isVm', value: (c) => c.isVm },
  { header: 'Result', field: 'result', value: (c) => c.result },
  { header: 'Last seen', field: 'lastSeen', value: (c) => shortTime(c.lastSeen) },
  { header: 'Expires', field: 'expiresAt', value: (c) => shortTime(c.expiresAt) },
  { header: 'Flags', field: 'flags', value: (c) => [c.lapsed && 'lapsed', c.overdue && 'overdue', c.expiring && 'expiring'].filter(Boolean).join(' ') },
  { header: 'CMID', field: 'cmid', value: (c) => c.cmid },
];
