import { Worker } from 'node:worker_threads';
import type { KmsRecord } from '../../kms/types.js';
import { StoreError, type WriteResult } from '../types.js';
import { ProvisionalIds } from './provisional-ids.js';
import { prepareBatch, type PreparedBatch } from './record-transfer.js';

/**
 * Runs SqliteStore.writeBatch in a worker thread (writer-thread.ts) with its own connection, so
 * that storing one batch and reading and decoding the next use both cores: `kmswatch ingest` keeps
 * one batch in flight (src/ingest/batcher.ts). Batches are written in the order they were sent,
 * each in its own transaction, exactly as on the main thread; the main thread's connection keeps
 * answering queries. The thread starts with the first batch and ends with close().
 */
export interface WriterSetup {
  location: string;
  busyTimeoutMs?: number;
}

export type WriterRequest =
  | { id: number; op: 'write'; batch: PreparedBatch }
  | { id: number; op: 'sync' }
  | { id: number; op: 'close' };

export type WriterReply =
  | { id: number; ok: true; result?: WriteResult; synced?: boolean; stringIds?: number[]; productIds?: number[] }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };

interface Pending {
  resolve(reply: WriterReply & { ok: true }): void;
  reject(err: Error): void;
}

export class ThreadedWriter {
  private thread: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;
  /** Dictionary ids as the writer thread reported them (provisional-ids.ts). */
  private readonly ids = new ProvisionalIds();
  /** Batches written since the thread last wrote its summary fold (summary-sync.ts). */
  unsynced = false;

  constructor(private readonly setup: WriterSetup) {}

  async write(records: readonly KmsRecord[]): Promise<WriteResult> {
    const { batch, transfer } = prepareBatch(records, this.ids);
    this.unsynced = true;
    const reply = await this.send({ id: this.nextId++, op: 'write', batch }, transfer);
    // only now are the ids the thread found or inserted committed
    this.ids.committed(batch.missingStrings, reply.stringIds ?? [], batch.missingProducts, reply.productIds ?? []);
    return reply.result!;
  }

  /** Has the thread write its client_summary fold; false when the database cannot be written. */
  async sync(): Promise<boolean> {
    if (this.thread === null) return true;
    const reply = await this.send({ id: this.nextId++, op: 'sync' });
    this.unsynced = false;
    return reply.synced ?? true;
  }

  async close(): Promise<void> {
    const thread = this.thread;
    if (thread === null) return;
    try {
      if (this.failure === null) await this.send({ id: this.nextId++, op: 'close' });
    } finally {
      this.thread = null;
      await thread.terminate();
    }
  }

  private start(): Worker {
    const here = import.meta.url;
    let thread: Worker;
    if (here.endsWith('.ts')) {
      // under a TypeScript runner (tests, tsx) the sibling is writer-thread.ts: load it through tsx
      const target = JSON.stringify(new URL('./writer-thread.ts', here).href);
      thread = new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${target}); });`, { eval: true, workerData: this.setup });
    } else {
      thread = new Worker(new URL('./writer-thread.js', here), { workerData: this.setup });
    }
    thread.on('message', (reply: WriterReply) => {
      const p = this.pending.get(reply.id);
      if (p === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply);
      else p.reject(new StoreError(reply.error.message, reply.error.code === 'STORE_WRITE' || reply.error.code === 'STORE_QUERY' ? reply.error.code : 'STORE_WRITE'));
    });
    const die = (err: Error) => {
      this.failure = new StoreError(`the SQLite writer thread of ${this.setup.location} stopped: ${err.message}`, 'STORE_WRITE', { cause: err });
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    thread.on('error', die);
    thread.on('exit', (code) => {
      if (this.pending.size > 0) die(new Error(`exit code ${code}`));
    });
    return thread;
  }

  private send(request: WriterRequest, transfer: ArrayBuffer[] = []): Promise<WriterReply & { ok: true }> {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.thread ??= this.start();
    const thread = this.thread;
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      thread.postMessage(request, transfer);
    });
  }
}
