/**
 * The overview, health first: the stale-data notice, one status line per host and application
 * (worst first, the numbers that decide it, colour and a word), the totals, the count cards with
 * their charts, the alerts with what to do, and a failures summary.
 */
import type { CountReport, HealthLine, HealthStatus } from '../../../analysis/types.js';
import type { Overview, OverviewAlert, OverviewHost } from '../../overview.js';
import type { Timeline } from '../../timeline.js';
import { severityBadge } from './badge.js';
import { countChart } from './chart.js';
import { el, failure, table, tokenText } from './dom.js';
import { num, plural, when } from './format.js';
import { FAILURE_COLUMNS } from './sections.js';

const STATUS_WORDS: Readonly<Record<HealthStatus, string>> = {
  'below-threshold': 'Below threshold',
  'dns-failing': 'DNS failing',
  idle: 'Idle',
  'at-risk': 'At risk',
  'partial-coverage': 'Partial coverage',
  ok: 'OK',
};

function marginText(line: HealthLine): string {
  if (line.marginDays === null) return 'nothing counted in the window';
  if (line.marginDays <= 0) return `below ${line.threshold} now`;
  return `stays at or above ${line.threshold} for at least ${plural(line.marginDays, 'day')} even if no client returns`;
}

function healthItem(line: HealthLine): HTMLElement {
  const other = line.conditions.filter((c) => c.status !== line.status && c.status !== 'ok');
  return el(
    'li',
    { class: `health sev-${line.severity}`, 'data-status': line.status, 'data-host': line.host, 'data-application': line.application ?? '' },
    el('div', { class: 'health-head' },
      severityBadge(line.severity, STATUS_WORDS[line.status]),
      el('strong', { class: 'nowrap', 'data-field': 'host' }, line.host),
      line.application ? el('span', { class: 'nowrap', 'data-field': 'application' }, line.application) : null,
    ),
    line.application
      ? el('p', { class: 'health-numbers' },
          el('span', { class: 'nowrap' }, el('b', { 'data-field': 'active' }, num(line.active)), ' active'),
          ' vs ',
          el('span', { class: 'nowrap' }, el('b', { 'data-field': 'threshold' }, num(line.threshold)), ' needed'),
          ` for ${line.thresholdFor} · `,
          el('span', { 'data-field': 'margin' }, marginText(line)))
      : null,
    // an OK line's sentence repeats its numbers: shown for the lines that need attention
    line.severity !== 'ok' || !line.application ? el('p', { class: 'health-text', 'data-field': 'text' }, tokenText(line.text)) : null,
    ...other.map((c) => el('p', { class: 'health-text' }, tokenText(c.text))),
    line.remedy ? el('p', { class: 'remedy', 'data-field': 'remedy' }, el('b', {}, 'What to do: '), tokenText(line.remedy)) : null,
  );
}

export function healthList(lines: readonly HealthLine[]): HTMLElement {
  if (lines.length === 0) return el('p', { class: 'empty', 'data-section': 'health' }, 'No KMS host has sent a request or event up to this time.');
  const bad = lines.filter((l) => l.severity !== 'ok').length;
  return el(
    'div',
    { 'data-section': 'health' },
    el('p', { class: 'health-summary' }, bad === 0 ? `All ${plural(lines.length, 'line')} OK.` : `${num(bad)} of ${plural(lines.length, 'line')} ${bad === 1 ? 'needs' : 'need'} attention (worst first).`),
    el('ul', { class: 'health-list' }, ...lines.map(healthItem)),
  );
}

export function staleNotice(o: Overview, showLatest: () => void): HTMLElement | null {
  if (!o.stale) return null;
  const button = el('button', { type: 'button', name: 'show-latest', class: 'primary' }, `Show as of the newest event (${when(o.stale.newestEventAt)})`);
  button.addEventListener('click', showLatest);
  return el('div', { class: 'notice stale', role: 'status', 'data-section': 'stale' }, el('p', {}, el('b', {}, 'Old data. '), o.stale.text), button);
}

export function totals(o: Overview): HTMLElement {
  const card = (label: string, field: string, value: number, hint?: string) =>
    el('div', { class: 'card', title: hint }, el('div', { class: 'value', 'data-field': field }, num(value)), el('div', { class: 'label' }, label));
  return el(
    'div',
    { class: 'cards', 'data-section': 'totals' },
    card('requests', 'totals.requests', o.totals.requests),
    card('clients (distinct CMIDs ever seen)', 'totals.clients', o.totals.clients, 'The Clients tab lists one row per CMID and application, lapsed clients included'),
    card('machines', 'totals.machines', o.totals.machines),
    card('KMS hosts', 'totals.hosts', o.totals.hosts),
    card('anomalies', 'totals.anomalies', o.totals.anomalies),
  );
}

export function clientSummary(o: Overview): HTMLElement {
  const c = o.clients;
  return el(
    'p',
    { class: 'client-summary', 'data-section': 'client-summary' },
    el('span', { 'data-field': 'summary.clients' }, num(c.total)), ' clients by CMID and application (',
    el('span', { 'data-field': 'summary.lapsed' }, num(c.lapsed)), ' lapsed: silent over 30 days) · ',
    `${num(c.notificationCount)} in notification · ${num(c.graceCount)} in grace · ${num(c.overdueCount)} overdue · ${num(c.expiring)} expiring within ${plural(c.expiringDays, 'day')}`,
  );
}

function thresholdText(c: CountReport, line: HealthLine | undefined): string {
  if (c.thresholds.length === 0) return 'no request counted in the window';
  return c.thresholds
    .map((t) => `${t.minimum}${line && line.threshold === t.minimum ? ` (${line.thresholdFor})` : ''}: ${t.met ? 'met' : `not met, ${num(t.minimum - c.active)} short`}`)
    .join(' · ');
}

/** Health lines' order (worst first) for the cards; hosts without a line keep the report's order. */
function cardOrder(o: Overview): { host: OverviewHost; count: CountReport; line: HealthLine | undefined }[] {
  const cards = o.hosts.flatMap((host) => host.counts.map((count) => ({
    host, count, line: o.health.find((l) => l.host.toLowerCase() === host.host.toLowerCase() && l.application === count.application),
  })));
  const rank = (line: HealthLine | undefined) => (line ? o.health.indexOf(line) : o.health.length);
  return cards.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c.line) - rank(b.c.line) || a.i - b.i).map((x) => x.c);
}

export function countCards(o: Overview, timeline: Promise<Timeline>): HTMLElement {
  const cards = cardOrder(o);
  if (cards.length === 0) {
    return el('p', { class: 'empty', 'data-section': 'counts' }, `No request was counted in the 30-day window ${when(o.window.from)} – ${when(o.window.to)}: no host reports a count.`);
  }
  const root = el('div', { class: 'counts', 'data-section': 'counts' });
  const charts: { target: HTMLElement; host: string; application: string; forecast: boolean }[] = [];
  for (const { host, count, line } of cards) {
    const severity = line?.severity ?? (count.thresholds.every((t) => t.met) ? 'ok' : 'critical');
    const chart = el('div', { class: 'chart', role: 'img', 'aria-label': `Active clients of ${host.host} ${count.application} per day against the threshold and the cap` });
    root.appendChild(el(
      'article',
      { class: `count-card sev-${severity}${count.partial ? ' partial' : ''}`, 'data-host': host.host, 'data-application': count.application, 'data-partial': String(count.partial) },
      el('h3', {}, severityBadge(severity, line ? STATUS_WORDS[line.status] : undefined), ' ', el('span', { class: 'nowrap', 'data-field': 'host' }, host.host), ' · ', el('span', { 'data-field': 'application' }, count.application)),
      el('p', { class: 'big' }, el('span', { 'data-field': 'active' }, num(count.active)), el('span', { class: 'of' }, ' active clients')),
      el('p', {}, 'The host reports ', el('span', { 'data-field': 'current' }, num(count.current)), ' (its count stops at the cap, ', el('span', { 'data-field': 'cap' }, num(count.cap)), ')'),
      el('p', { 'data-field': 'thresholds' }, thresholdText(count, line)),
      line && line.application ? el('p', { class: 'margin', 'data-field': 'margin' }, marginText(line)) : null,
      host.partialNote ? el('p', { class: 'partial-note', 'data-field': 'partial' }, host.partialNote) : null,
      chart,
    ));
    charts.push({ target: chart, host: host.host, application: count.application, forecast: severity !== 'ok' });
  }
  timeline.then(
    (t) => {
      for (const c of charts) {
        const s = t.series.find((x) => x.host.toLowerCase() === c.host.toLowerCase() && x.application === c.application);
        if (s) whenShown(c.target, () => countChart(c.target, s, { forecast: c.forecast }));
        else c.target.appendChild(el('p', { class: 'empty' }, 'No day of the last 30 has a counted request.'));
      }
    },
    (e: unknown) => {
      for (const c of charts) c.target.appendChild(failure('the chart', e));
    },
  );
  return root;
}

/** The overview lists the worst alerts; the Alerts tab has them all. */
const OVERVIEW_ALERTS = 5;

/** Runs `draw` once the element has a width (a chart in a hidden tab is drawn when the tab opens). */
function whenShown(target: HTMLElement, draw: () => void): void {
  if (target.clientWidth > 0) {
    requestAnimationFrame(draw);
    return;
  }
  const watch = new ResizeObserver(() => {
    if (target.clientWidth === 0) return;
    watch.disconnect();
    draw();
  });
  watch.observe(target);
}

export function alertList(alerts: readonly OverviewAlert[], openTab: () => void): HTMLElement {
  if (alerts.length === 0) return el('p', { class: 'empty', 'data-section': 'alert-list' }, 'No alert: every rule is quiet at this time.');
  const order = { critical: 0, warning: 1, info: 2 } as const;
  const sorted = [...alerts].sort((a, b) => order[a.severity] - order[b.severity]);
  const all = el('button', { type: 'button', class: 'link' }, `all ${plural(alerts.length, 'alert')}`);
  all.addEventListener('click', openTab);
  const counts = (['critical', 'warning', 'info'] as const).map((s) => [s, alerts.filter((a) => a.severity === s).length] as const).filter(([, n]) => n > 0);
  const line = el('p', {}, counts.map(([s, n]) => `${num(n)} ${s}`).join(' · '));
  if (alerts.length > OVERVIEW_ALERTS) line.append(`; the ${OVERVIEW_ALERTS} worst below, `, all);
  return el('div', { 'data-section': 'alert-summary' }, line, alertItems(sorted.slice(0, OVERVIEW_ALERTS)));
}

export function alertItems(alerts: readonly OverviewAlert[]): HTMLElement {
  return el('ul', { class: 'alert-list', 'data-section': 'alert-list' }, ...alerts.map((a) => el(
    'li',
    { class: `alert sev-${a.severity}`, 'data-rule': a.rule },
    el('div', { class: 'health-head' }, severityBadge(a.severity), el('strong', { 'data-field': 'title' }, tokenText(a.title))),
    el('p', { class: 'remedy', 'data-field': 'remedy' }, el('b', {}, 'What to do: '), tokenText(a.remedy)),
    a.clients > 0 ? el('p', { class: 'muted' }, `${plural(a.clients, 'client')} concerned`, a.host ? ` · host ${a.host}` : '') : null,
  )));
}

export function failureSummary(o: Overview, openTab: () => void): HTMLElement {
  const f = o.failures;
  if (f.rows.length === 0) return el('p', { class: 'empty', 'data-section': 'failure-summary' }, 'No failed request in the 30-day window.');
  const more = el('button', { type: 'button', class: 'link' }, 'all failures');
  more.addEventListener('click', openTab);
  return el(
    'div',
    { 'data-section': 'failure-summary' },
    el('p', {}, `${plural(f.machines, 'client')} failed ${plural(f.requests, 'time')} in the window; the most frequent: `, more),
    table('failure-top', FAILURE_COLUMNS, f.rows.slice(0, 5)),
  );
}
