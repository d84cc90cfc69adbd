/**
 * Tabs and the sections behind them, for both pages. The overview draws from one compact answer;
 * the other tabs load what they need when first opened, and say so where their data would be when
 * that fails.
 */
import type { Report } from '../../../analysis/types.js';
import { overviewFromReport, type Overview } from '../../overview.js';
import type { Timeline } from '../../timeline.js';
import { clientsView } from './clients-table.js';
import { discoveryPanel } from './discovery.js';
import { byId, clear, el, fill } from './dom.js';
import { when } from './format.js';
import { alertList, clientSummary, countCards, failureSummary, healthList, staleNotice, totals } from './health.js';
import { alertTable, anomalies, clones, failures, hosts, products } from './sections.js';
import type { DataSource } from './source.js';
import { DEFAULT_STATE, type ViewState } from './url-state.js';

export const TABS = ['overview', 'alerts', 'clients', 'failures', 'hosts', 'products', 'clones', 'anomalies'] as const;
export type Tab = (typeof TABS)[number];

const TAB_NAMES: Readonly<Record<Tab, string>> = {
  overview: 'Overview', alerts: 'Alerts', clients: 'Clients', failures: 'Failures', hosts: 'Hosts', products: 'Products', clones: 'Clones', anomalies: 'Anomalies',
};

export function setStatus(text: string, isError = false): void {
  const status = byId('status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

export interface PageOptions {
  source: DataSource;
  overview: Overview;
  /** The full report when the page already has it (offline page); else loaded when a tab needs it. */
  report?: Report;
  state?: ViewState;
  /** The view changed (tab, clients table): the dashboard keeps it in the URL. */
  onState?: (state: ViewState, mode: 'push' | 'replace') => void;
  /** The stale notice's button: show the state as of the newest event. */
  onShowLatest?: () => void;
  /** When the data was fetched (the "updated" line). */
  fetchedAt?: number;
}

function isTab(text: string): text is Tab {
  return (TABS as readonly string[]).includes(text);
}

/** Draws the overview and the tabs into #main and the tab buttons into #nav. */
export function renderPage(opts: PageOptions): { showTab(tab: string): void } {
  const o = opts.overview;
  const at = Date.parse(o.at);
  let state: ViewState = { ...DEFAULT_STATE, ...opts.state };
  let report: Promise<Report> | null = opts.report ? Promise.resolve(opts.report) : null;
  const loadReport = () => (report ??= opts.source.report(at));
  const timeline: Promise<Timeline> = opts.source.timeline(at);
  timeline.catch(() => undefined); // shown in each chart's place

  const tabs = TABS.filter((t) => t !== 'alerts' || o.alerts !== null);
  const selectTab = (tab: Tab) => {
    state = { ...state, tab };
    showTab(tab);
    opts.onState?.(state, 'push');
  };
  const drawers: Record<Tab, (panel: HTMLElement) => void> = {
    overview: (panel) => panel.append(
      staleNotice(o, () => opts.onShowLatest?.()) ?? '',
      el('h3', {}, 'Health of each KMS host'),
      healthList(o.health),
      ...(o.alerts ? [el('h3', {}, 'Alerts'), alertList(o.alerts, () => selectTab('alerts'))] : []),
      el('h3', {}, 'Can clients find the hosts?'),
      discoveryPanel(o),
      el('h3', {}, 'Totals'),
      totals(o),
      clientSummary(o),
      el('h3', {}, 'Counts per host and application'),
      countCards(o, timeline),
      el('h3', {}, 'Failed requests'),
      failureSummary(o, () => selectTab('failures')),
    ),
    alerts: (panel) => panel.append(alertTable(o.alerts ?? [])),
    clients: (panel) => panel.append(clientsView({
      at, source: opts.source, hosts: o.hosts.map((h) => h.host), products: o.products, state,
      onState: (s, mode) => {
        state = { ...s, tab: 'clients' };
        opts.onState?.(state, mode);
      },
    })),
    failures: (panel) => panel.append(failures(o.failures.rows, o.failures.rows.length)),
    hosts: (panel) => void fill(panel, 'the hosts', loadReport, hosts),
    products: (panel) => void fill(panel, 'the products', loadReport, products),
    clones: (panel) => void fill(panel, 'the clones', loadReport, clones),
    anomalies: (panel) => void fill(panel, 'the anomalies', loadReport, anomalies),
  };

  const main = byId('main');
  const nav = byId('nav');
  clear(main);
  clear(nav);
  nav.setAttribute('role', 'tablist');
  nav.setAttribute('aria-label', 'Sections');
  const drawn = new Set<Tab>();
  const bodies = new Map<Tab, HTMLElement>();
  main.appendChild(el('p', { class: 'as-of' },
    'As of ', el('span', { 'data-field': 'at', class: 'nowrap' }, when(o.at)),
    el('span', { class: 'nowrap' }, ` · 30-day window from ${when(o.window.from)}`),
    opts.fetchedAt !== undefined ? el('span', { class: 'nowrap', 'data-field': 'updated' }, ` · updated ${when(opts.fetchedAt)}`) : null));
  for (const tab of tabs) {
    const button = el('button', { type: 'button', role: 'tab', id: `tabbtn-${tab}`, 'data-tab': tab, 'aria-controls': `tab-${tab}`, 'aria-selected': 'false', tabindex: -1 }, TAB_NAMES[tab]);
    button.addEventListener('click', () => selectTab(tab));
    button.addEventListener('keydown', (ev) => {
      const i = tabs.indexOf(tab);
      const to = ev.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : ev.key === 'ArrowLeft' ? tabs[(i - 1 + tabs.length) % tabs.length] : undefined;
      if (!to) return;
      ev.preventDefault();
      document.getElementById(`tabbtn-${to}`)?.focus();
    });
    nav.appendChild(button);
    const body = el('div', { class: 'tab-body' });
    bodies.set(tab, body);
    main.appendChild(el('section', { id: `tab-${tab}`, class: 'tab', role: 'tabpanel', 'aria-labelledby': `tabbtn-${tab}`, hidden: true }, el('h2', {}, TAB_NAMES[tab]), body));
  }

  function showTab(name: string): void {
    const tab: Tab = isTab(name) && tabs.includes(name) ? name : 'overview';
    for (const t of tabs) {
      document.getElementById(`tab-${t}`)?.toggleAttribute('hidden', t !== tab);
      const b = document.getElementById(`tabbtn-${t}`);
      b?.setAttribute('aria-selected', String(t === tab));
      b?.setAttribute('tabindex', t === tab ? '0' : '-1');
    }
    if (!drawn.has(tab)) {
      drawn.add(tab);
      drawers[tab](bodies.get(tab) as HTMLElement);
    }
  }
  showTab(state.tab);
  return { showTab };
}

/** The offline page's entry: every section of a report it computed itself. */
export async function renderAll(source: DataSource, report: Report, options: { alerts: boolean }): Promise<void> {
  const alerts = options.alerts ? await source.alerts(Date.parse(report.at)) : null;
  renderPage({ source, overview: overviewFromReport(report, alerts), report });
}
