/**
 * Offline analysis: the dropped files are read, decoded, stored and analysed in this tab by the
 * project's own code (src/evtx, src/sources, src/kms, src/analysis, memory store). No request
 * leaves the page: there is no fetch here at all.
 */
import './locale-guard.js'; // before anything that loads uPlot
import { defaultConfig } from '../../../alerts/config.js';
import { evaluateRules } from '../../../alerts/evaluate.js';
import { gatherFacts } from '../../../alerts/facts.js';
import { buildReport } from '../../../analysis/report.js';
import { ingestEvents } from '../../../ingest/ingest.js';
import { createMemoryStore } from '../../../store/memory.js';
import type { Store } from '../../../store/types.js';
import { damagedSummary } from '../../../report/damaged.js';
import { readBytesSource } from '../../bytes-source.js';
import { queryClients } from '../../clients-query.js';
import { buildTimeline } from '../../timeline.js';
import { byId, clear, el } from './dom.js';
import { filesWithoutComputer, hostForFile, namingFilesFirst } from './offline-hosts.js';
import { renderAll, setStatus } from './shell.js';
import type { DataSource } from './source.js';

function localSource(store: Store, timezone: string): DataSource {
  return {
    report: (at) => buildReport(store, { at: at ?? Date.now(), timezone }),
    timeline: (at) => buildTimeline(store, at, 30),
    alerts: async (at) => {
      const rules = defaultConfig().alerts;
      return evaluateRules(await gatherFacts(store, at, rules), rules).map(({ clients, ...a }) => ({ ...a, clients: clients.length }));
    },
    clients: (at, q) => queryClients(store, { ...q, at }),
    clientRequests: async (cmid) => (await store.clientRequests(cmid, 200)).map((r) => ({ ...r, time: new Date(r.time).toISOString() })),
  };
}

/** The newest event time, so an old export is judged as of when it was taken. */
async function newestEvent(store: Store): Promise<number | null> {
  const hosts = await store.hostActivity(8.64e15);
  const times = hosts.map((h) => h.lastRequestAt).filter((t): t is number => t !== null);
  return times.length ? Math.max(...times) : null;
}

async function analyse(files: File[]): Promise<void> {
  document.body.dataset.ready = 'false';
  const timezone = byId<HTMLInputElement>('timezone').value.trim() || 'UTC';
  const atText = byId<HTMLInputElement>('at').value;
  const hostField = byId<HTMLInputElement>('host');
  const typedHost = hostField.value.trim();
  const encoding = byId<HTMLInputElement>('encoding').value.trim() || undefined;
  const hostless = await filesWithoutComputer(files);
  if (hostless.size > 0 && !typedHost) {
    // Event Viewer saves name no computer: without a name, two hosts' saves would merge into one
    setStatus(`${[...hostless].map((f) => f.name).join(', ')}: an Event Viewer save names no computer. Enter the KMS host's name above and drop the file again.`, true);
    hostField.focus();
    document.body.dataset.ready = 'needs-host';
    return;
  }
  const store = createMemoryStore();
  await store.migrate();
  const issues = el('ul', { class: 'issues' });
  const notes = el('ul', { class: 'notes' });
  let events = 0;
  let requests = 0;
  let issueCount = 0;
  for (const file of namingFilesFirst(files, hostless)) {
    setStatus(`Reading ${file.name}…`);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const host = hostless.has(file) ? await hostForFile(store, typedHost) : undefined;
    const source = readBytesSource(bytes, { file: file.name, timezone, ...(host !== undefined ? { host } : {}), ...(encoding !== undefined ? { encoding } : {}) });
    const summary = await ingestEvents(store, source, {});
    events += summary.events;
    requests += summary.requests;
    issueCount += summary.issues.length;
    for (const i of summary.issues.slice(0, 20)) {
      issues.appendChild(el('li', {}, `${i.file}${i.line !== undefined ? ` line ${i.line}` : ''}${i.record !== undefined ? ` record ${i.record}` : ''}: ${i.reason}`));
    }
    // notes (an EVTX file without CRCs, a header count behind a log copied while open) are no problems
    for (const n of summary.notes.slice(0, 20)) notes.appendChild(el('li', { class: 'note' }, `${n.file}: note: ${n.reason}`));
  }
  const at = atText ? Date.parse(`${atText}Z`) : ((await newestEvent(store)) ?? Date.now());
  const report = await buildReport(store, { at, timezone });
  await renderAll(localSource(store, timezone), report, { alerts: true });
  const summary = el(
    'div',
    { class: 'summary', 'data-section': 'ingest' },
    el('p', {}, 'Read ', el('span', { 'data-field': 'files' }, files.length), ' file(s): ', el('span', { 'data-field': 'events' }, events), ' events, ',
      el('span', { 'data-field': 'requests' }, requests), ' activation requests, ', el('span', { 'data-field': 'issues' }, issueCount), ' problems.'),
    issueCount ? issues : null,
    damagedSummary(report) ? el('p', { class: 'damaged', 'data-field': 'damaged' }, damagedSummary(report), ' ', report.damaged.chunks.map((d) => `${d.file} chunk ${d.chunk}: ${d.host}, records ${d.firstRecordId}–${d.lastRecordId}`).join('; ')) : null,
    notes.childElementCount ? notes : null,
  );
  byId('main').prepend(summary);
  setStatus(`Analysed in this browser: ${files.map((f) => f.name).join(', ')}. Nothing was uploaded.`);
  document.body.dataset.ready = 'true';
}

function start(files: FileList | null | undefined): void {
  if (!files || files.length === 0) return;
  clear(byId('main'));
  analyse(Array.from(files)).catch((e: unknown) => setStatus(`Could not analyse the file: ${(e as Error).message}`, true));
}

const drop = byId('drop');
drop.addEventListener('dragover', (ev) => {
  ev.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (ev) => {
  ev.preventDefault();
  drop.classList.remove('over');
  start(ev.dataTransfer?.files);
});
byId<HTMLInputElement>('file').addEventListener('change', (ev) => start((ev.target as HTMLInputElement).files));
document.body.dataset.ready = 'idle';
