/** The clients table: search and filters, sorting, paging, CSV export, one client's requests. */
import type { Report } from '../../../analysis/types.js';
import { clientCsvColumns } from '../../../report/columns.js';
import { renderCsv } from '../../../report/csv.js';
import type { ClientSortKey } from '../../clients-query.js';
import { CLIENT_COLUMNS } from './sections.js';
import { clear, download, el, shortTime, table } from './dom.js';
import type { ClientParams, DataSource } from './source.js';

const STATES = ['Unlicensed', 'Licensed', 'OOBGrace', 'OOTGrace', 'NonGenuineGrace', 'Notification', 'ExtendedGrace'];
const PAGE_SIZE = 50;

function select(name: string, label: string, options: [string, string][]): HTMLSelectElement {
  const s = el('select', { name, 'aria-label': label }, el('option', { value: '' }, `${label}: all`));
  for (const [value, text] of options) s.appendChild(el('option', { value }, text));
  return s;
}

export function clientsView(report: Report, at: number, source: DataSource): HTMLElement {
  const search = el('input', { type: 'search', name: 'search', placeholder: 'machine or CMID', 'aria-label': 'search' });
  const host = select('host', 'host', report.hosts.map((h) => [h.host, h.host]));
  const state = select('state', 'state', STATES.map((s, i) => [String(i), s]));
  const product = select('product', 'product', report.products.map((p) => [p.activationId, p.product]));
  const vm = select('vm', 'VM', [['true', 'VMs only'], ['false', 'physical only']]);
  const csv = el('button', { type: 'button', name: 'csv' }, 'Export CSV');
  const count = el('span', { class: 'count', 'data-field': 'clients.total' });
  const pager = el('span', { class: 'pager' });
  const results = el('div', { class: 'results' });
  const detail = el('div', { class: 'detail' });
  let sort: ClientSortKey = 'machine';
  let desc = false;
  let page = 1;

  const params = (): ClientParams => {
    const p: ClientParams = { sort, desc, page, pageSize: PAGE_SIZE };
    if (search.value.trim()) p.search = search.value.trim();
    if (host.value) p.host = host.value;
    if (state.value) p.state = Number(state.value);
    if (product.value) p.product = product.value;
    if (vm.value) p.vm = vm.value === 'true';
    return p;
  };

  const showRequests = async (cmid: string, machine: string) => {
    clear(detail);
    const rows = await source.clientRequests(cmid);
    detail.appendChild(el('h3', {}, `Requests of ${machine} (${cmid})`));
    detail.appendChild(table('requests', [
      { header: 'Time', field: 'time', value: (r) => shortTime(r.time) },
      { header: 'Host', field: 'host', value: (r) => r.host },
      { header: 'Machine', field: 'machine', value: (r) => r.machine },
      { header: 'Result', field: 'resultHex', value: (r) => r.resultHex },
      { header: 'Product', field: 'productName', value: (r) => r.productName },
      { header: 'State', field: 'licenseState', value: (r) => STATES[r.licenseState] ?? String(r.licenseState) },
      { header: 'Minutes left', field: 'minutesLeft', value: (r) => r.minutesLeft },
    ], rows));
  };

  const refresh = async () => {
    const result = await source.clients(at, params());
    count.textContent = String(result.total);
    clear(pager);
    const prev = el('button', { type: 'button', name: 'prev', disabled: result.page <= 1 }, '‹ previous');
    const next = el('button', { type: 'button', name: 'next', disabled: result.page >= result.pages }, 'next ›');
    prev.addEventListener('click', () => { page = result.page - 1; void refresh(); });
    next.addEventListener('click', () => { page = result.page + 1; void refresh(); });
    pager.append(prev, ` page ${result.page} of ${result.pages} `, next);
    clear(results);
    const t = table('clients', CLIENT_COLUMNS, result.rows, (c) => void showRequests(c.cmid, c.machine));
    t.querySelectorAll('th').forEach((th, i) => {
      const key = CLIENT_COLUMNS[i].field as ClientSortKey;
      if (!['machine', 'host', 'product', 'state', 'lastSeen', 'expiresAt', 'result'].includes(key)) return;
      th.classList.add('sortable');
      if (key === sort) th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
      th.addEventListener('click', () => {
        desc = key === sort ? !desc : false;
        sort = key;
        void refresh();
      });
    });
    results.appendChild(t);
  };

  const restart = () => {
    page = 1;
    void refresh();
  };
  search.addEventListener('input', restart);
  for (const s of [host, state, product, vm]) s.addEventListener('change', restart);
  csv.addEventListener('click', async () => {
    const all = await source.clients(at, { ...params(), page: 1, pageSize: 0 });
    download('clients.csv', renderCsv(clientCsvColumns(), all.rows), 'text/csv');
  });
  void refresh();
  return el(
    'div',
    { class: 'clients' },
    el('div', { class: 'filters' }, search, host, state, product, vm, csv),
    el('p', {}, count, ' clients (latest request per CMID and application; lapsed ones included) ', pager),
    results,
    detail,
  );
}
