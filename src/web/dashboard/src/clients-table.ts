/**
 * The clients table: search (debounced; an answer to an older query is dropped) and filters,
 * sorting, paging, CSV export, and one client's requests opened under its own row, as of the
 * page's time and paged. The view is kept in the URL through `onState`.
 */
import { clientCsvColumns } from '../../../report/columns.js';
import { renderCsv } from '../../../report/csv.js';
import type { ClientPage, ClientSortKey } from '../../clients-query.js';
import { clear, download, el, failure, fill, table } from './dom.js';
import { num, plural, when, whenSeconds, zoneLabel } from './format.js';
import { CLIENT_COLUMNS } from './sections.js';
import type { ClientParams, DataSource, RequestPage, RequestView } from './source.js';
import type { ViewState } from './url-state.js';

const STATES = ['Unlicensed', 'Licensed', 'OOBGrace', 'OOTGrace', 'NonGenuineGrace', 'Notification', 'ExtendedGrace'];
const PAGE_SIZE = 50;
const REQUESTS_PAGE_SIZE = 20;
const SEARCH_DELAY_MS = 300;
const SORTABLE: readonly ClientSortKey[] = ['machine', 'host', 'product', 'state', 'lastSeen', 'expiresAt', 'result'];

export interface ClientsViewOptions {
  at: number;
  source: DataSource;
  hosts: readonly string[];
  products: readonly { activationId: string; product: string }[];
  state: ViewState;
  /** The view changed (the dashboard writes it into the URL). */
  onState?: (state: ViewState, mode: 'push' | 'replace') => void;
}

function select(name: string, label: string, options: [string, string][], value: string): HTMLSelectElement {
  const s = el('select', { name, 'aria-label': label }, el('option', { value: '' }, `${label}: all`));
  for (const [v, text] of options) s.appendChild(el('option', { value: v }, text));
  s.value = options.some(([v]) => v === value) ? value : '';
  return s;
}

/** A page of a client's requests: from the source when it pages, else paged here. */
async function requestPage(source: DataSource, cmid: string, at: number, page: number): Promise<RequestPage> {
  if (source.clientRequestsPage) return source.clientRequestsPage(cmid, at, page, REQUESTS_PAGE_SIZE);
  const all = (await source.clientRequests(cmid)).filter((r) => Date.parse(r.time) <= at);
  const pages = Math.max(1, Math.ceil(all.length / REQUESTS_PAGE_SIZE));
  const shown = Math.min(page, pages);
  return { total: all.length, page: shown, pages, pageSize: REQUESTS_PAGE_SIZE, requests: all.slice((shown - 1) * REQUESTS_PAGE_SIZE, shown * REQUESTS_PAGE_SIZE) };
}

function expiry(r: RequestView): string | null {
  if (r.expiresAt !== undefined) return r.expiresAt;
  return r.minutesLeft > 0 ? new Date(Date.parse(r.time) + r.minutesLeft * 60_000).toISOString() : null;
}

function requestsTable(result: RequestPage): HTMLElement {
  return table<RequestView>('requests', [
    { header: `Time (${zoneLabel()})`, field: 'time', value: (r) => whenSeconds(r.time), nowrap: true, primary: true },
    { header: 'Result', field: 'resultHex', value: (r) => r.resultHex, nowrap: true },
    { header: 'State', field: 'licenseState', value: (r) => STATES[r.licenseState] ?? String(r.licenseState) },
    { header: 'Expires', field: 'expiresAt', value: (r) => when(expiry(r)) || 'no expiry given', nowrap: true },
    { header: 'Host', field: 'host', value: (r) => r.host, nowrap: true },
    { header: 'Machine', field: 'machine', value: (r) => r.machine, nowrap: true },
    { header: 'Product', field: 'productName', value: (r) => r.productName },
  ], result.requests, { empty: 'No request of this client up to this time.' });
}

/** The detail of one client, opened under its row; paged; closes with its button or Escape. */
function clientDetail(source: DataSource, at: number, cmid: string, machine: string, close: () => void): HTMLElement {
  const body = el('div', { class: 'requests-body' });
  const closeButton = el('button', { type: 'button', name: 'close-detail', 'aria-label': `close the requests of ${machine}` }, 'Close');
  closeButton.addEventListener('click', close);
  const show = (page: number) =>
    void fill(body, `the requests of ${machine}`, () => requestPage(source, cmid, at, page), (result) => {
      const pager = el('div', { class: 'pager' });
      if (result.pages > 1) {
        const prev = el('button', { type: 'button', name: 'requests-prev', disabled: result.page <= 1 }, '‹ newer');
        const next = el('button', { type: 'button', name: 'requests-next', disabled: result.page >= result.pages }, 'older ›');
        prev.addEventListener('click', () => show(result.page - 1));
        next.addEventListener('click', () => show(result.page + 1));
        pager.append(prev, ` page ${num(result.page)} of ${num(result.pages)} `, next);
      }
      return el('div', {}, el('p', { 'data-field': 'requests.total' }, `${plural(result.total, 'request')} up to ${when(at)}, newest first`), requestsTable(result), pager);
    });
  show(1);
  const panel = el('section', { class: 'detail', 'aria-label': `requests of ${machine}` },
    el('div', { class: 'detail-head' }, el('h3', {}, 'Requests of ', el('span', { class: 'nowrap' }, machine), ' ', el('span', { class: 'nowrap muted' }, cmid)), closeButton),
    body);
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') close();
  });
  return panel;
}

export function clientsView(o: ClientsViewOptions): HTMLElement {
  let state = { ...o.state };
  const search = el('input', { type: 'search', name: 'search', placeholder: 'machine or CMID', 'aria-label': 'search clients by machine or CMID', value: state.search });
  search.value = state.search;
  const host = select('host', 'host', o.hosts.map((h) => [h, h]), state.host);
  const licenseState = select('state', 'state', STATES.map((s, i) => [String(i), s]), state.state);
  const product = select('product', 'product', o.products.map((p) => [p.activationId, p.product]), state.product);
  const vm = select('vm', 'VM', [['true', 'VMs only'], ['false', 'physical only']], state.vm);
  const csv = el('button', { type: 'button', name: 'csv' }, 'Export CSV');
  const count = el('span', { class: 'count', 'data-field': 'clients.total' });
  const pager = el('span', { class: 'pager' });
  const results = el('div', { class: 'results', 'aria-live': 'polite' });
  let asked = 0;
  let openDetail: { row: HTMLTableRowElement; panel: HTMLElement } | null = null;

  const params = (): ClientParams => {
    const p: ClientParams = { sort: (SORTABLE as readonly string[]).includes(state.sort) ? (state.sort as ClientSortKey) : 'machine', desc: state.dir === 'desc', page: state.page, pageSize: PAGE_SIZE };
    if (state.search.trim()) p.search = state.search.trim();
    if (state.host) p.host = state.host;
    if (state.state) p.state = Number(state.state);
    if (state.product) p.product = state.product;
    if (state.vm) p.vm = state.vm === 'true';
    return p;
  };

  const closeDetail = () => {
    if (!openDetail) return;
    openDetail.panel.closest('tr')?.remove();
    openDetail.row.classList.remove('open');
    openDetail.row.focus();
    openDetail = null;
  };

  const toggleDetail = (cmid: string, machine: string, tr: HTMLTableRowElement) => {
    const same = openDetail?.row === tr;
    closeDetail();
    if (same) return;
    const panel = clientDetail(o.source, o.at, cmid, machine, closeDetail);
    const cols = tr.children.length;
    tr.after(el('tr', { class: 'detail-row' }, el('td', { colspan: cols }, panel)));
    tr.classList.add('open');
    openDetail = { row: tr, panel };
  };

  const render = (result: ClientPage) => {
    count.textContent = num(result.total);
    clear(pager);
    const prev = el('button', { type: 'button', name: 'prev', disabled: result.page <= 1 }, '‹ previous');
    const next = el('button', { type: 'button', name: 'next', disabled: result.page >= result.pages }, 'next ›');
    prev.addEventListener('click', () => change({ page: result.page - 1 }, 'push'));
    next.addEventListener('click', () => change({ page: result.page + 1 }, 'push'));
    pager.append(prev, ` page ${num(result.page)} of ${num(result.pages)} `, next);
    clear(results);
    openDetail = null;
    results.appendChild(table('clients', CLIENT_COLUMNS, result.rows, {
      onRow: (c, tr) => toggleDetail(c.cmid, c.machine, tr),
      empty: 'No client matches the search and filters.',
      caption: 'Clients',
      sort: {
        fields: SORTABLE, by: params().sort, desc: state.dir === 'desc',
        onSort: (field) => change({ sort: field, dir: field === state.sort && state.dir === 'asc' ? 'desc' : 'asc', page: 1 }, 'push'),
      },
    }));
  };

  const refresh = async () => {
    const mine = ++asked;
    results.dataset.state = 'loading';
    try {
      const result = await o.source.clients(o.at, params());
      if (mine !== asked) return; // a newer query was sent meanwhile: its answer is the one to show
      render(result);
      results.dataset.state = 'ready';
    } catch (e) {
      if (mine !== asked) return;
      count.textContent = '–';
      clear(pager);
      clear(results);
      results.appendChild(failure('the clients', e));
      results.dataset.state = 'error';
    }
  };

  const change = (patch: Partial<ViewState>, mode: 'push' | 'replace') => {
    state = { ...state, ...patch };
    o.onState?.(state, mode);
    void refresh();
  };

  let typing: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => change({ search: search.value, page: 1 }, 'replace'), SEARCH_DELAY_MS);
  });
  search.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    clearTimeout(typing);
    change({ search: search.value, page: 1 }, 'replace');
  });
  const filters: [HTMLSelectElement, keyof ViewState][] = [[host, 'host'], [licenseState, 'state'], [product, 'product'], [vm, 'vm']];
  for (const [s, key] of filters) s.addEventListener('change', () => change({ [key]: s.value, page: 1 }, 'push'));
  csv.addEventListener('click', async () => {
    try {
      const all = await o.source.clients(o.at, { ...params(), page: 1, pageSize: 0 });
      download('clients.csv', renderCsv(clientCsvColumns(), all.rows), 'text/csv');
    } catch (e) {
      results.prepend(failure('the CSV export', e));
    }
  });
  void refresh();
  return el(
    'div',
    { class: 'clients' },
    el('div', { class: 'filters' }, search, host, licenseState, product, vm, csv),
    el('p', {}, count, ' clients: the latest request per CMID and application, lapsed ones (silent over 30 days) included. Open a row for its requests. ', pager),
    results,
  );
}
