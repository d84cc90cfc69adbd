/** Tabs and the sections behind them, for both pages. */
import type { Report } from '../../../analysis/types.js';
import { clientsView } from './clients-table.js';
import { byId, clear, el, shortTime } from './dom.js';
import { alertTable, anomalies, clones, failures, hosts, overview, products } from './sections.js';
import type { DataSource } from './source.js';

export const TABS = ['overview', 'clients', 'clones', 'failures', 'products', 'hosts', 'anomalies', 'alerts'] as const;
export type Tab = (typeof TABS)[number];

export function showTab(tab: Tab): void {
  for (const t of TABS) {
    document.getElementById(`tab-${t}`)?.toggleAttribute('hidden', t !== tab);
    document.querySelector(`#nav button[data-tab="${t}"]`)?.setAttribute('aria-pressed', String(t === tab));
  }
}

export function setStatus(text: string, isError = false): void {
  const status = byId('status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

/** Renders every section of the report at `at` into #main. */
export async function renderAll(source: DataSource, report: Report, options: { alerts: boolean }): Promise<void> {
  const at = Date.parse(report.at);
  const [timeline, alerts] = await Promise.all([source.timeline(at), options.alerts ? source.alerts(at) : Promise.resolve(null)]);
  const main = byId('main');
  clear(main);
  const nav = byId('nav');
  clear(nav);
  const sections: Record<Tab, () => HTMLElement> = {
    overview: () => overview(report, timeline, alerts),
    clients: () => clientsView(report, at, source),
    clones: () => clones(report),
    failures: () => failures(report),
    products: () => products(report),
    hosts: () => hosts(report),
    anomalies: () => anomalies(report),
    alerts: () => alertTable(alerts ?? []),
  };
  for (const tab of TABS) {
    if (tab === 'alerts' && !alerts) continue;
    const button = el('button', { type: 'button', 'data-tab': tab }, tab[0].toUpperCase() + tab.slice(1));
    button.addEventListener('click', () => showTab(tab));
    nav.appendChild(button);
    main.appendChild(el('section', { id: `tab-${tab}`, class: 'tab' }, el('h2', {}, button.textContent), sections[tab]()));
  }
  main.prepend(el('p', { class: 'as-of' }, 'Report as of ', el('span', { 'data-field': 'at' }, shortTime(report.at)), ` · 30-day window from ${shortTime(report.window.from)}`));
  showTab('overview');
}
