/**
 * What the dashboard shows, kept in the URL so that a reload, a bookmark and back/forward give the
 * same view: tab, as-of time, the clients table's search, filters, sort and page, the time zone
 * and auto-refresh. Only non-default values are written.
 */

export interface ViewState {
  tab: string;
  /** `latest`, an ISO time, or undefined (now). */
  at: string | undefined;
  search: string;
  host: string;
  state: string;
  product: string;
  vm: string;
  sort: string;
  dir: 'asc' | 'desc';
  page: number;
  tz: 'utc' | 'local';
  /** Seconds between refreshes; 0 = off. */
  refresh: number;
}

export const DEFAULT_STATE: ViewState = {
  tab: 'overview', at: undefined, search: '', host: '', state: '', product: '', vm: '', sort: 'machine', dir: 'asc', page: 1, tz: 'utc', refresh: 0,
};

export function readState(search: string = window.location.search): ViewState {
  const q = new URLSearchParams(search);
  const text = (name: keyof ViewState) => q.get(name) ?? '';
  const page = Number(q.get('page'));
  const refresh = Number(q.get('refresh'));
  return {
    tab: text('tab') || DEFAULT_STATE.tab,
    at: q.get('at') || undefined,
    search: text('search'),
    host: text('host'),
    state: text('state'),
    product: text('product'),
    vm: text('vm'),
    sort: text('sort') || DEFAULT_STATE.sort,
    dir: q.get('dir') === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    tz: q.get('tz') === 'local' ? 'local' : 'utc',
    refresh: Number.isInteger(refresh) && refresh >= 10 ? refresh : 0,
  };
}

export function stateQuery(s: ViewState): string {
  const q = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_STATE) as (keyof ViewState)[]) {
    const value = s[key];
    if (value === undefined || value === DEFAULT_STATE[key]) continue;
    q.set(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

/**
 * Writes the state into the address bar: a new history entry for a step a reader would go back
 * to (a tab, a filter, a page), a replaced one for typing in the search box.
 */
export function writeState(s: ViewState, mode: 'push' | 'replace'): void {
  const url = `${window.location.pathname}${stateQuery(s)}${window.location.hash}`;
  if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
  if (mode === 'push') window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
}
