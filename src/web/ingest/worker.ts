/** Ingest worker thread: parses and decodes bodies sent by pool.ts, answers with encoded records. */
import { parentPort } from 'node:worker_threads';
import { parseBody } from './parse-body.js';
import { encodeBody } from './record-codec.js';
import type { WorkerReply, WorkerRequest } from './pool.js';

const port = parentPort;
if (!port) throw new Error('src/web/ingest/worker.ts runs as a worker thread only');

port.on('message', (job: WorkerRequest) => {
  parseBody(job.body, job.opts).then(
    (parsed) => {
      const { message, transfer } = encodeBody(parsed);
      const reply: WorkerReply = { id: job.id, ok: true, body: message };
      port.postMessage(reply, transfer);
    },
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      const reply: WorkerReply = { id: job.id, ok: false, error: { name: e.name, message: e.message, stack: e.stack } };
      port.postMessage(reply);
    },
  );
});
