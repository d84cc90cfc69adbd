/** Worker thread entry: reads and renders the batches parallel.ts sends, with its own templates. */
import { parentPort, workerData } from 'node:worker_threads';
import { FlatValues } from '../binxml/flat-values.js';
import { TemplateCache } from '../binxml/template-cache.js';
import { CHUNK_SIZE } from '../file-header.js';
import { ByteOut } from '../render/byte-out.js';
import type { BatchJob, BatchResult, WorkerSetup } from './parallel.js';
import { BATCH_SLOTS, renderBatch } from './render-batch.js';
import { SlotReader } from './slot-reader.js';

const setup = workerData as WorkerSetup;
const reader = SlotReader.open(setup.path);
const state = { cache: new TemplateCache(), flat: new FlatValues(), input: new Uint8Array(BATCH_SLOTS * CHUNK_SIZE) };
const outputs = setup.outputs.map((shared) => new Uint8Array(shared));

parentPort?.on('message', (job: BatchJob) => {
  const out = new ByteOut(outputs[job.slot]);
  let result: BatchResult;
  try {
    const r = renderBatch(reader, job.first, job.count, setup.format, state, out);
    // A batch bigger than its slot grew into a buffer of its own: that one goes over by transfer.
    const grown = out.buf.buffer === setup.outputs[job.slot] ? undefined : (out.buf.buffer as ArrayBuffer);
    result = { batch: job.batch, slot: job.slot, length: out.pos, grown, chunks: r.chunks, last: r.last };
  } catch (e) {
    // Rendering does not throw on bad data; this is a bug guard so the dump never hangs.
    const message = `worker failed: ${String(e)}`;
    result = { batch: job.batch, slot: job.slot, length: 0, chunks: [{ index: job.first, state: 'ok', ok: 0, errors: [{ message }], start: 0, end: 0 }], last: false };
  }
  parentPort!.postMessage(result, result.grown ? [result.grown] : []);
});
