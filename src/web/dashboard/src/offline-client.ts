/**
 * The page's side of the offline analysis: one engine per dropped set of files, in a module Web
 * Worker, reached by messages (offline-protocol.ts). Where no worker can start (a browser without
 * module workers), the same engine is loaded into the page and run there, giving the page a turn
 * now and then; the page is slower to answer then, but still works.
 */
import type { AnalyseOutcome, AnalyseRequest, EngineApi, EngineCall, EngineMessage, EngineMethod, ParseProgress } from './offline-protocol.js';
import type { DataSource } from './source.js';
import { OfflineCancelledError, OfflineEngineError } from './offline-errors.js';

interface Transport {
  send(call: EngineCall): void;
  stop(): void;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

const IN_PAGE_YIELD_MS = 40;

export class OfflineClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped = false;
  private readonly transport: Promise<Transport>;

  constructor(private readonly onProgress: (progress: ParseProgress) => void) {
    const receive = (m: EngineMessage) => this.receive(m);
    this.transport = startWorker(receive, (reason) => this.failAll(reason)).catch(() => startInPage(receive));
  }

  analyse(request: AnalyseRequest): Promise<AnalyseOutcome> {
    return this.call('analyse', request);
  }

  /** The dashboard's data, answered by this client's engine. */
  source(): DataSource {
    return {
      report: (at) => this.call('report', at),
      timeline: (at) => this.call('timeline', at),
      alerts: (at) => this.call('alerts', at),
      clients: (at, q) => this.call('clients', at, q),
      clientRequests: (cmid) => this.call('clientRequests', cmid),
    };
  }

  /** Stops the engine (a worker is terminated): every open call fails with OfflineCancelledError. */
  cancel(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.transport.then((t) => t.stop(), () => undefined);
    for (const p of this.pending.values()) p.reject(new OfflineCancelledError());
    this.pending.clear();
  }

  private call<M extends EngineMethod>(method: M, ...args: Parameters<EngineApi[M]>): ReturnType<EngineApi[M]> {
    if (this.stopped) return Promise.reject(new OfflineCancelledError()) as ReturnType<EngineApi[M]>;
    const id = this.nextId++;
    const reply = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.transport.then(
      (t) => t.send({ type: 'call', id, method, args } as EngineCall),
      (e: unknown) => this.fail(id, new OfflineEngineError(`the analysis could not start: ${(e as Error).message}`, { name: (e as Error).name })),
    );
    return reply as ReturnType<EngineApi[M]>;
  }

  private fail(id: number, error: Error): void {
    this.pending.get(id)?.reject(error);
    this.pending.delete(id);
  }

  private failAll(reason: string): void {
    for (const id of [...this.pending.keys()]) this.fail(id, new OfflineEngineError(reason, { name: 'Error' }));
  }

  private receive(message: EngineMessage): void {
    if (this.stopped) return;
    if (message.type === 'progress') this.onProgress(message.progress);
    if (message.type !== 'reply') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new OfflineEngineError(message.error.message, message.error));
  }
}

/** Resolves once the worker has loaded (it posts 'ready'); rejects when it cannot start. */
function startWorker(receive: (m: EngineMessage) => void, crashed: (reason: string) => void): Promise<Transport> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./offline-worker.ts', import.meta.url), { type: 'module', name: 'kmswatch-offline' });
    } catch (e) {
      reject(e as Error);
      return;
    }
    const failed = () => {
      worker.terminate();
      reject(new Error('the analysis worker could not start'));
    };
    worker.addEventListener('error', failed);
    worker.addEventListener('message', (event: MessageEvent<EngineMessage>) => {
      if (event.data.type === 'ready') {
        worker.removeEventListener('error', failed);
        worker.addEventListener('error', (e) => crashed(`the analysis stopped: ${e.message || 'the worker failed'}`));
        resolve({ send: (call) => worker.postMessage(call), stop: () => worker.terminate() });
        return;
      }
      receive(event.data);
    });
  });
}

/** The engine in the page itself, loaded only when no worker could start. */
async function startInPage(receive: (m: EngineMessage) => void): Promise<Transport> {
  const { OfflineEngine, answer } = await import('./offline-engine.js');
  const engine = new OfflineEngine({ onProgress: (progress) => receive({ type: 'progress', progress }), yieldEveryMs: IN_PAGE_YIELD_MS });
  return {
    send: (call) => void answer(engine, call).then(receive),
    stop: () => engine.cancel(),
  };
}
