/**
 * Parses ingest bodies off the main thread: a few worker threads read and decode, the main thread
 * keeps HTTP and the store (SQLite has one writer anyway). Workers start on the first body and are
 * replaced when one dies; with 0 workers the same parsing runs inline.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseBody, type ParseBodyOptions, type ParsedBody } from './parse-body.js';
import { decodeBody, type EncodedBody } from './record-codec.js';

export interface WorkerRequest {
  id: number;
  body: Uint8Array;
  opts: ParseBodyOptions;
}

export type WorkerReply =
  | { id: number; ok: true; body: EncodedBody }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

/** A body the ingest workers could not parse (a reader bug or a dead worker), not bad input. */
export class IngestWorkerError extends Error {
  override readonly name = 'IngestWorkerError';
  readonly code = 'WEB_INGEST_WORKER';
  constructor(message: string, readonly context: { worker: number; job?: number }) {
    super(message);
  }
}

export interface BodyParser {
  /** Worker threads used (0 = inline). */
  readonly workers: number;
  parse(body: Uint8Array, opts: ParseBodyOptions): Promise<ParsedBody>;
  /** Starts the workers now rather than on the first body (a listening server does). */
  warm(): void;
  close(): Promise<void>;
}

export function createBodyParser(workers: number): BodyParser {
  const n = Math.max(0, Math.trunc(workers));
  if (n === 0) return { workers: 0, parse: parseBody, warm: () => {}, close: async () => {} };
  return new WorkerPool(n);
}

/**
 * From dist/ the worker is plain JS. From src/ (tests, tsx) it is TypeScript, which a worker thread
 * of Node 20 does not inherit the loader for: a small bootstrap registers tsx in the thread first.
 */
function spawnWorker(): Worker {
  const here = import.meta.url;
  if (!/\.ts$/.test(new URL(here).pathname)) return new Worker(new URL('./worker.js', here));
  const require = createRequire(here);
  const pkgFile = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const api = pathToFileURL(path.join(path.dirname(pkgFile), pkg.exports['./esm/api'].import.default)).href;
  const target = new URL('./worker.ts', here).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(code, { eval: true });
}

interface Job {
  resolve(parsed: ParsedBody): void;
  reject(err: Error): void;
}

class PoolWorker {
  readonly jobs = new Map<number, Job>();
  readonly thread: Worker;
  dead = false;

  constructor(readonly slot: number, onDeath: (w: PoolWorker) => void) {
    this.thread = spawnWorker();
    this.thread.unref();
    this.thread.on('message', (reply: WorkerReply) => {
      const job = this.jobs.get(reply.id);
      if (!job) return;
      this.jobs.delete(reply.id);
      if (reply.ok) job.resolve(decodeBody(reply.body));
      else job.reject(new IngestWorkerError(`ingest worker ${slot}: ${reply.error.name}: ${reply.error.message}`, { worker: slot, job: reply.id }));
    });
    const die = (reason: string) => {
      if (this.dead) return;
      this.dead = true;
      for (const [id, job] of this.jobs) job.reject(new IngestWorkerError(`ingest worker ${slot} stopped (${reason}) while parsing a body`, { worker: slot, job: id }));
      this.jobs.clear();
      onDeath(this);
    };
    this.thread.on('error', (err) => die(err.message));
    this.thread.on('exit', (code) => die(`exit code ${code}`));
  }
}

class WorkerPool implements BodyParser {
  private readonly slots: (PoolWorker | null)[];
  private nextId = 1;
  private closed = false;

  constructor(readonly workers: number) {
    this.slots = new Array<PoolWorker | null>(workers).fill(null);
  }

  /** The live worker with the fewest bodies in hand, starting or replacing workers as needed. */
  private pick(): PoolWorker {
    let best: PoolWorker | null = null;
    for (let i = 0; i < this.slots.length; i++) {
      let w = this.slots[i];
      if (!w || w.dead) {
        w = new PoolWorker(i, (dead) => {
          if (this.slots[dead.slot] === dead) this.slots[dead.slot] = null;
        });
        this.slots[i] = w;
      }
      if (!best || w.jobs.size < best.jobs.size) best = w;
    }
    return best as PoolWorker;
  }

  warm(): void {
    if (!this.closed) this.pick();
  }

  parse(body: Uint8Array, opts: ParseBodyOptions): Promise<ParsedBody> {
    if (this.closed) return Promise.reject(new IngestWorkerError('the ingest worker pool is closed', { worker: -1 }));
    const worker = this.pick();
    const id = this.nextId++;
    return new Promise<ParsedBody>((resolve, reject) => {
      worker.jobs.set(id, { resolve, reject });
      // the body is copied (structured clone): it may share its ArrayBuffer with other buffers
      const request: WorkerRequest = { id, body, opts };
      worker.thread.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const live = this.slots.filter((w): w is PoolWorker => w !== null);
    this.slots.fill(null);
    await Promise.all(live.map((w) => w.thread.terminate()));
  }
}
