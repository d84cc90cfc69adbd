/**
 * The SQLite writer thread (threaded-writer.ts): its own connection to the database file, writing
 * the batches the main thread sends, one after the other, while the main thread reads and decodes
 * the next ones.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { unpackBatch } from './record-transfer.js';
import { SqliteStore } from './store.js';
import type { WriterReply, WriterRequest, WriterSetup } from './threaded-writer.js';

const port = parentPort;
if (!port) throw new Error('src/store/sqlite/writer-thread.ts runs as a worker thread only');
const setup = workerData as WriterSetup;
let store: SqliteStore | null = null;

function reply(message: WriterReply): void {
  port!.postMessage(message);
}

port.on('message', (job: WriterRequest) => {
  try {
    store ??= SqliteStore.open(setup.location, { busyTimeoutMs: setup.busyTimeoutMs });
    switch (job.op) {
      case 'write': {
        const { standIns, prefilled } = unpackBatch(job.batch);
        const result = store.writePrepared(standIns, prefilled);
        reply({ id: job.id, ok: true, result, stringIds: prefilled.stringIds ?? [], productIds: prefilled.productIds ?? [] });
        break;
      }
      case 'sync':
        reply({ id: job.id, ok: true, synced: store.syncSummary() });
        break;
      case 'close':
        store.closeSync();
        store = null;
        reply({ id: job.id, ok: true });
        break;
    }
  } catch (err) {
    const e = err as Error & { code?: string };
    reply({ id: job.id, ok: false, error: { name: e.name, message: e.message, code: e.code } });
  }
});
