/** The dashboard: everything from the JSON API of `kmswatch serve`. */
import './locale-guard.js'; // before anything that loads uPlot
import type { Report } from '../../../analysis/types.js';
import type { ClientPage } from '../../clients-query.js';
import type { Timeline } from '../../timeline.js';
import { byId } from './dom.js';
import { renderAll, setStatus } from './shell.js';
import type { AlertView, ClientParams, DataSource, RequestView } from './source.js';

async function getJson<T>(path: string, params: Record<string, string | number | boolean | undefined> = {}): Promise<T> {
  const url = new URL(path, window.location.href);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  const body = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(`${url.pathname}: ${body.message ?? res.status}`);
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
  clientRequests: async (cmid) => (await getJson<{ requests: RequestView[] }>(`api/clients/${encodeURIComponent(cmid)}/requests`)).requests,
};

/** datetime-local (read as UTC) ⇄ epoch ms. */
function atFromInput(input: HTMLInputElement): number | undefined {
  return input.value ? Date.parse(`${input.value}Z`) : undefined;
}

async function load(): Promise<void> {
  const input = byId<HTMLInputElement>('at');
  const fromUrl = new URLSearchParams(window.location.search).get('at');
  if (fromUrl && !input.value) input.value = new Date(Date.parse(fromUrl)).toISOString().slice(0, 19);
  setStatus('Loading…');
  try {
    const report = await api.report(atFromInput(input));
    await renderAll(api, report, { alerts: true });
    setStatus('');
    document.body.dataset.ready = 'true';
  } catch (e) {
    setStatus(`Could not load the report: ${(e as Error).message}`, true);
  }
}

byId('at-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const at = atFromInput(byId<HTMLInputElement>('at'));
  const url = new URL(window.location.href);
  if (at === undefined) url.searchParams.delete('at');
  else url.searchParams.set('at', new Date(at).toISOString());
  window.history.replaceState(null, '', url);
  document.body.dataset.ready = 'false';
  void load();
});
void load();
