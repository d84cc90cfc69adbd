/**
 * Worker thread entry: takes batches from the shared counter, in turn with the other threads,
 * renders each into one of its output slots and tells parallel.ts which. It sleeps only when all
 * its slots wait to be written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FlatValues } from '../binxml/instance-slots.js';
import { TemplateCache } from '../binxml/template-cache.js';
import { CHUNK_SIZE } from '../file-header.js';
import { ByteOut } from '../render/byte-out.js';
import { Control, type BatchResult, type WorkerSetup } from './parallel.js';
import { BATCH_SLOTS, renderBatch } from './render-batch.js';
import { SlotReader } from './slot-reader.js';

const setup = workerData as WorkerSetup;
const reader = SlotReader.open(setup.path);
const state = { cache: new TemplateCache(), flat: new FlatValues(), input: new Uint8Array(BATCH_SLOTS * CHUNK_SIZE) };
const outputs = setup.outputs.map((shared) => new Uint8Array(shared));
const ctl = new Int32Array(setup.control);
const generation = Control.generation(setup.worker);

/** A free output slot, taken; or -1 once the dump stops. */
function takeSlot(): number {
  for (;;) {
    if (Atomics.load(ctl, Control.STOP) !== 0) return -1;
    const seen = Atomics.load(ctl, generation);
    for (let s = 0; s < outputs.length; s++) {
      if (Atomics.compareExchange(ctl, Control.slot(setup.worker, s), 0, 1) === 0) return s;
    }
    Atomics.wait(ctl, generation, seen);
  }
}

/**
 * Rendering goes to private memory, then one copy into the slot: writing shared memory piece by
 * piece (V8 copies into it with relaxed atomics) made a worker's batches ~8 % slower than this
 * thread's; the one copy costs less than that (BENCHMARKS.md, "EVTX reader").
 */
const scratch = new Uint8Array(outputs[0]?.length ?? 0);

function render(batch: number, slot: number): BatchResult {
  const out = new ByteOut(scratch);
  const first = batch * BATCH_SLOTS;
  try {
    const r = renderBatch(reader, first, BATCH_SLOTS, setup.format, state, out);
    // A batch bigger than its slot grew into a buffer of its own: that one goes over by transfer.
    let grown: ArrayBuffer | undefined;
    if (out.buf === scratch) outputs[slot].set(scratch.subarray(0, out.pos));
    else grown = out.buf.buffer as ArrayBuffer;
    return { batch, slot, length: out.pos, grown, chunks: r.chunks, last: r.last };
  } catch (e) {
    // Rendering does not throw on bad data; this is a bug guard so the dump never hangs.
    const message = `worker failed: ${String(e)}`;
    return { batch, slot, length: 0, chunks: [{ index: first, state: 'ok', ok: 0, errors: [{ message }], start: 0, end: 0 }], last: false };
  }
}

for (;;) {
  const slot = takeSlot();
  if (slot < 0) break;
  const batch = Atomics.add(ctl, Control.NEXT, 1);
  if (batch >= setup.batches) break;
  const result = render(batch, slot);
  parentPort!.postMessage(result, result.grown ? [result.grown] : []);
}
reader.close();
