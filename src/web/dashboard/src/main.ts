/** The dashboard: everything from the JSON API of `kmswatch serve`, its view kept in the URL. */
import './locale-guard.js'; // before anything that loads uPlot
import type { Report } from '../../../analysis/types.js';
import type { ClientPage } from '../../clients-query.js';
import type { Overview } from '../../overview.js';
import type { Timeline } from '../../timeline.js';
import { byId, clear, failure, loading } from './dom.js';
import { browserZone, setZone } from './format.js';
import { renderPage, setStatus } from './shell.js';
import type { AlertView, ClientParams, DataSource, RequestPage } from './source.js';
import { readState, writeState, type ViewState } from './url-state.js';

type Params = Record<string, string | number | boolean | undefined>;

async function getJson<T>(path: string, params: Params = {}): Promise<T> {
  const url = new URL(path, window.location.href);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' } });
  } catch {
    throw new Error('the server did not answer (is kmswatch serve running?)');
  }
  let body: (T & { message?: string }) | undefined;
  try {
    body = (await res.json()) as T & { message?: string };
  } catch {
    body = undefined;
  }
  if (!res.ok || body === undefined) throw new Error(body?.message ?? `the server answered ${res.status} ${res.statusText}`.trim());
  return body;
}

const api: DataSource = {
  report: (at) => getJson<Report>('api/report', { at }),
  timeline: (at) => getJson<Timeline>('api/timeline', { at, days: 30 }),
  alerts: async (at) => (await getJson<{ current: AlertView[] }>('api/alerts', { at })).current,
  clients: (at, q: ClientParams) =>
    getJson<ClientPage>('api/clients', {
      at, sort: q.sort, dir: q.desc ? 'desc' : 'asc', page: q.page, pageSize: q.pageSize,
      search: q.search, host: q.host, state: q.state, product: q.product, vm: q.vm,
    }),
  clientRequests: async (cmid) => (await getJson<RequestPage>(`api/clients/${encodeURIComponent(cmid)}/requests`)).requests,
  overview: (at) => getJson<Overview>('api/overview', { at }),
  clientRequestsPage: (cmid, at, page, pageSize) => getJson<RequestPage>(`api/clients/${encodeURIComponent(cmid)}/requests`, { at, page, pageSize }),
};

let state: ViewState = readState();
/** The as-of text of the drawn page and its view, to tell a new time from a new view. */
let drawnAt: string | undefined;
let view: { showTab(tab: string): void } | null = null;
let refreshTimer: ReturnType<typeof setInterval> | undefined;

function remember(next: ViewState, mode: 'push' | 'replace'): void {
  state = next;
  writeState(state, mode);
}

/** The header's controls show the state. */
function syncHeader(): void {
  const input = byId<HTMLInputElement>('at');
  const ms = state.at && state.at !== 'latest' ? Date.parse(state.at) : NaN;
  input.value = state.at === 'latest' ? 'latest' : Number.isNaN(ms) ? (state.at ?? '') : new Date(ms).toISOString().slice(0, 19).replace('T', ' ').replace(/:00$/, '');
  byId<HTMLSelectElement>('tz').value = state.tz;
  byId<HTMLInputElement>('auto-refresh').checked = state.refresh > 0;
}

/**
 * The as-of box, read as UTC: `2026-03-01`, `2026-03-01 14:00[:00]`, a full ISO time or `latest`;
 * anything else goes to the server as typed, and its answer says what is wrong.
 */
function atFromInput(text: string): string | undefined {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'now') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?$/.exec(t);
  if (!m) return t;
  const ms = Date.parse(`${m[1]}T${m[2] ?? '00:00'}${m[2] && m[2].length === 5 ? ':00' : ''}Z`);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

function scheduleRefresh(): void {
  clearInterval(refreshTimer);
  // a fixed as-of time never changes: only "now" is refreshed
  if (state.refresh > 0 && state.at === undefined) {
    refreshTimer = setInterval(() => {
      if (document.visibilityState === 'visible') void load();
    }, state.refresh * 1000);
  }
}

async function load(): Promise<void> {
  document.body.dataset.ready = 'false';
  setZone(state.tz);
  syncHeader();
  const main = byId('main');
  if (!view) {
    clear(main);
    main.appendChild(loading('the overview'));
  }
  setStatus('');
  try {
    // the URL's `at` goes to the server as written: a bad one comes back as its message
    const overview = await getJson<Overview>('api/overview', { at: state.at });
    drawnAt = state.at;
    view = renderPage({
      source: api, overview, state, fetchedAt: Date.now(),
      onState: remember,
      onShowLatest: () => {
        remember({ ...state, at: 'latest' }, 'push');
        void load();
      },
    });
    document.body.dataset.ready = 'true';
  } catch (e) {
    view = null;
    clear(byId('nav'));
    clear(main);
    main.appendChild(failure('the overview', e));
    document.body.dataset.ready = 'error';
  }
  scheduleRefresh();
}

byId('at-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  remember({ ...state, at: atFromInput(byId<HTMLInputElement>('at').value), page: 1 }, 'push');
  void load();
});
byId('now').addEventListener('click', () => {
  remember({ ...state, at: undefined, page: 1 }, 'push');
  void load();
});
const zoneSelect = byId<HTMLSelectElement>('tz');
(zoneSelect.querySelector('option[value="local"]') as HTMLOptionElement).textContent = `browser (${browserZone()})`;
zoneSelect.addEventListener('change', () => {
  remember({ ...state, tz: zoneSelect.value === 'local' ? 'local' : 'utc' }, 'push');
  void load();
});
byId<HTMLInputElement>('auto-refresh').addEventListener('change', (ev) => {
  remember({ ...state, refresh: (ev.target as HTMLInputElement).checked ? 60 : 0 }, 'replace');
  scheduleRefresh();
});
window.addEventListener('popstate', () => {
  const before = state;
  state = readState();
  if (view && state.at === drawnAt && state.tz === before.tz && state.tab !== before.tab && sameClients(state, before)) view.showTab(state.tab);
  else void load();
});

function sameClients(a: ViewState, b: ViewState): boolean {
  return a.search === b.search && a.host === b.host && a.state === b.state && a.product === b.product && a.vm === b.vm && a.sort === b.sort && a.dir === b.dir && a.page === b.page;
}

void load();
