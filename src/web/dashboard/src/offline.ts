/**
 * Offline analysis: the dropped files are read, decoded, stored and analysed in this tab by the
 * project's own code, in a Web Worker (offline-engine.ts through offline-client.ts), so the page
 * stays responsive; it shows the progress, can be cancelled, and renders the results with the
 * dashboard's own sections. No request leaves the page: there is no fetch here at all.
 */
import './locale-guard.js'; // before anything that loads uPlot
import { byId, clear } from './dom.js';
import { OfflineClient } from './offline-client.js';
import { OfflineCancelledError } from './offline-errors.js';
import { hideProgress, onCancel, showProgress, startProgress } from './offline-progress.js';
import type { AnalyseRequest } from './offline-protocol.js';
import { ingestSummary, unreportedNotice } from './offline-results.js';
import { renderAll, setStatus } from './shell.js';

/** What the page is doing, for the tests: idle, parsing, rendering, true (done), needs-host, cancelled, failed. */
function setReady(state: string): void {
  document.body.dataset.ready = state;
}

/** The running analysis; a new drop or Cancel stops it. */
let running: OfflineClient | null = null;

function readFields(files: File[]): AnalyseRequest {
  const atText = byId<HTMLInputElement>('at').value;
  const encoding = byId<HTMLInputElement>('encoding').value.trim();
  return {
    files,
    timezone: byId<HTMLInputElement>('timezone').value.trim() || 'UTC',
    at: atText ? Date.parse(`${atText}Z`) : null,
    host: byId<HTMLInputElement>('host').value.trim(),
    ...(encoding ? { encoding } : {}),
  };
}

function present(...nodes: (HTMLElement | null)[]): HTMLElement[] {
  return nodes.filter((n): n is HTMLElement => n !== null);
}

async function analyse(client: OfflineClient, files: File[]): Promise<void> {
  setReady('parsing');
  startProgress();
  setStatus(`Reading ${files.map((f) => f.name).join(', ')} in this browser…`);
  const outcome = await client.analyse(readFields(files));
  hideProgress();
  if (outcome.kind === 'needs-host') {
    setStatus(`${outcome.files.join(', ')}: an Event Viewer save names no computer. Enter the KMS host's name above and drop the file again.`, true);
    byId('host').focus();
    setReady('needs-host');
    return;
  }
  setReady('rendering');
  const { files: read, report } = outcome;
  const main = byId('main');
  const notice = unreportedNotice(read, report !== null);
  const names = files.map((f) => f.name).join(', ');
  if (report) {
    await renderAll(client.source(), report, { alerts: true });
    main.prepend(...present(ingestSummary(read, report), notice));
    setStatus(`Analysed in this browser: ${names}. Nothing was uploaded.`);
  } else {
    // no zero dashboard dated today: what the files are, and what to export instead
    clear(main);
    clear(byId('nav'));
    main.append(...present(notice, ingestSummary(read, null)));
    setStatus(`${names}: ${notice?.querySelector('h2')?.textContent ?? 'nothing to report on'} (read in this browser; nothing was uploaded).`, true);
  }
  setReady('true');
}

function start(files: FileList | null | undefined): void {
  if (!files || files.length === 0) return;
  running?.cancel();
  clear(byId('main'));
  const client = new OfflineClient(showProgress);
  running = client;
  analyse(client, Array.from(files))
    .catch((e: unknown) => {
      if (e instanceof OfflineCancelledError) return;
      hideProgress();
      setStatus(`Could not analyse the file: ${(e as Error).message}`, true);
      setReady('failed');
    })
    .finally(() => {
      // the engine stays for the dashboard's own calls (client search, a client's requests) until the next drop
      if (running !== client) client.cancel();
    });
}

onCancel(() => {
  if (!running) return;
  running.cancel();
  running = null;
  hideProgress();
  clear(byId('main'));
  clear(byId('nav'));
  byId<HTMLInputElement>('file').value = ''; // the same file can be chosen again
  setStatus('Cancelled: nothing was analysed. Drop a file (or choose one) to start again.');
  byId('drop').focus();
  setReady('cancelled');
});

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
setReady('idle');
