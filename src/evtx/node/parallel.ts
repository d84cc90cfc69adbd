/**
 * Node-only: renders every chunk of a file, in file order, as batches of UTF-8 bytes. With one
 * thread everything happens here; with N, this thread and N - 1 workers each read and render the
 * batches they take, and this thread passes them on in order. A worker puts each batch into one of
 * the output slots this thread gave it once, as SharedArrayBuffers, and sends only the slot's number back: moving
 * buffers between threads by transfer instead cost about 15 % more CPU (measured in BENCHMARKS.md,
 * "EVTX reader"). A slot is reused once its bytes are written; with a few slots per thread in
 * flight, memory stays bounded whatever the file size.
 */
import { Worker } from 'node:worker_threads';
import { FlatValues } from '../binxml/instance-slots.js';
import { TemplateCache } from '../binxml/template-cache.js';
import { CHUNK_SIZE } from '../file-header.js';
import { ByteOut } from '../render/byte-out.js';
import type { ChunkSummary } from '../render/chunk-bytes.js';
import type { DumpFormat } from '../render/chunk-output.js';
import { BATCH_SLOTS, renderBatch, renderRead } from './render-batch.js';
import { SlotReader } from './slot-reader.js';

export interface DumpOptions {
  format: DumpFormat;
  threads: number;
  /** Size of each output buffer (default 2 MiB); a batch that outgrows one grows a buffer of its own. */
  outputBytes?: number;
  /** With threads > 1, whether this thread renders batches too (default true; tests turn it off to make workers do all of them). */
  renderHere?: boolean;
}

export interface DumpBatch {
  /** The records of the batch's chunks, in order; chunk i's are data[chunks[i].start, chunks[i].end). */
  data: Uint8Array;
  chunks: ChunkSummary[];
  /** Who rendered it: 0 this thread, i the i-th worker. */
  thread: number;
  /** Call once `data` is written: its buffer is reused. */
  release(): void;
}

/** Output buffer size: a batch's text is about 1.5 × its 1 MiB of chunks. */
const OUT_BYTES = 2 << 20;

export interface BatchResult {
  batch: number;
  slot: number;
  length: number;
  /** Set when the batch outgrew its slot: the bytes are in this (transferred) buffer instead. */
  grown?: ArrayBuffer;
  chunks: ChunkSummary[];
  last: boolean;
}

export interface WorkerSetup {
  path: string;
  format: DumpFormat;
  /** Batches in the file: a worker stops once the shared counter passes it. */
  batches: number;
  /** The worker's output slots. */
  outputs: SharedArrayBuffer[];
  /** Int32 words shared by every thread, laid out as in `Control`. */
  control: SharedArrayBuffer;
  /** Index of this worker's words in `control`. */
  worker: number;
}

/**
 * The words threads share. Batches are taken in file order from one counter, by whichever thread
 * is free, so a worker that starts late or runs slow holds up nothing but its own batch. Each
 * worker has a word per output slot (0 free, 1 taken) and a generation word bumped whenever this
 * thread frees one of them, which the worker sleeps on when all its slots are taken.
 */
export const Control = {
  NEXT: 0,
  STOP: 1,
  words: (workers: number) => 2 + workers * (1 + WORKER_SLOTS),
  generation: (worker: number) => 2 + worker * (1 + WORKER_SLOTS),
  slot: (worker: number, slot: number) => 2 + worker * (1 + WORKER_SLOTS) + 1 + slot,
} as const;

/** Output slots per worker: its batch in hand plus its results waiting to be written. */
export const WORKER_SLOTS = 4;

function startWorker(setup: WorkerSetup): Worker {
  if (import.meta.url.endsWith('.ts')) {
    // Under a TypeScript runner (tests, tsx) the sibling is worker.ts: load it through tsx's API.
    const ts = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${ts}); });`;
    return new Worker(boot, { eval: true, workerData: setup });
  }
  return new Worker(new URL('./worker.js', import.meta.url), { workerData: setup });
}

/** Output buffers one thread keeps in flight before it waits for one to come back. */
const IN_FLIGHT = 3;

/**
 * One thread: renders batch k while batch k + 1 is read on libuv's pool (the copy from the page
 * cache is a tenth of the work; this way it runs on another core).
 */
async function* inline(reader: SlotReader, format: DumpFormat, outBytes: number): AsyncGenerator<DumpBatch> {
  const state = { cache: new TemplateCache(), flat: new FlatValues(), input: new Uint8Array(BATCH_SLOTS * CHUNK_SIZE) };
  const inputs = [state.input, new Uint8Array(BATCH_SLOTS * CHUNK_SIZE)];
  const spare: Uint8Array[] = [];
  let inUse = 0;
  let returned: (() => void) | null = null;
  let reading: Promise<number> | null = reader.slots > 0 ? reader.readAhead(0, BATCH_SLOTS, inputs[0]) : null;
  try {
    for (let first = 0, k = 0; reading !== null; first += BATCH_SLOTS, k++) {
      const got = await reading;
      const input = inputs[k & 1];
      const next = first + BATCH_SLOTS;
      reading = next < reader.slots ? reader.readAhead(next, BATCH_SLOTS, inputs[(k + 1) & 1]) : null;
      // A stream calls back after a tick at the earliest: without this wait every batch would take a new buffer.
      while (spare.length === 0 && inUse >= IN_FLIGHT) await new Promise<void>((resolve) => (returned = resolve));
      const bytes = new ByteOut(spare.pop() ?? outBytes);
      inUse++;
      const r = renderRead(input, got, first, reader.span(first, BATCH_SLOTS), format, state, bytes);
      const buf = bytes.buf;
      const release = () => {
        inUse--;
        spare.push(buf);
        const wake = returned;
        returned = null;
        wake?.();
      };
      yield { data: buf.subarray(0, bytes.pos), chunks: r.chunks, thread: 0, release };
      if (r.last) return;
    }
  } finally {
    // A consumer that stops early leaves a read in flight: let it land before the file is closed.
    await reading?.catch(() => 0);
  }
}

/** A batch ready to be written, from this thread or a worker. */
interface Ready {
  data: Uint8Array;
  chunks: ChunkSummary[];
  thread: number;
  last: boolean;
  release(): void;
}

/** Lets worker messages in (they arrive through the event loop, which rendering here holds up). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * N threads: this one and N - 1 workers, each taking the next batch from a shared counter when it
 * is free. This thread also writes: it passes on the batch due next as soon as it is there, and
 * otherwise renders the next batch itself, up to `window` batches past the last one written.
 */
async function* parallel(reader: SlotReader, path: string, format: DumpFormat, threads: number, outBytes: number, renderHere: boolean): AsyncGenerator<DumpBatch> {
  const batches = Math.ceil(reader.slots / BATCH_SLOTS);
  const workerCount = renderHere ? Math.min(threads, batches) - 1 : threads - 1;
  const control = new SharedArrayBuffer(4 * Control.words(workerCount));
  const ctl = new Int32Array(control);
  const setups = Array.from({ length: workerCount }, (_, worker): WorkerSetup => ({
    path,
    format,
    batches,
    outputs: Array.from({ length: WORKER_SLOTS }, () => new SharedArrayBuffer(outBytes)),
    control,
    worker,
  }));
  const workers = setups.map(startWorker);
  const state = { cache: new TemplateCache(), flat: new FlatValues(), input: new Uint8Array(BATCH_SLOTS * CHUNK_SIZE) };
  const results = new Map<number, Ready>();
  const spareHere: Uint8Array[] = [];
  const window = 6 * threads;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  let written = 0;
  let taken = false; // the counter has passed the last batch
  let ended = false;
  workers.forEach((w, i) => {
    w.on('message', (r: BatchResult) => {
      const data = new Uint8Array(r.grown ?? setups[i].outputs[r.slot], 0, r.length);
      const release = () => {
        Atomics.store(ctl, Control.slot(i, r.slot), 0);
        Atomics.add(ctl, Control.generation(i), 1);
        Atomics.notify(ctl, Control.generation(i));
      };
      results.set(r.batch, { data, chunks: r.chunks, thread: i + 1, last: r.last, release });
      notify();
    });
    w.on('error', (e) => {
      failure ??= e;
      notify();
    });
    w.on('exit', (code) => {
      // A worker ends with code 0 once the counter has passed the last batch.
      if (!ended && code !== 0) failure ??= new Error(`evtx worker exited (code ${code}) before the dump was done`);
      notify();
    });
  });
  try {
    while (written < batches) {
      const r = results.get(written);
      if (r !== undefined) {
        results.delete(written);
        written++;
        yield r;
        if (r.last) return;
        continue;
      }
      if (failure !== null) throw failure;
      if (renderHere && !taken && Atomics.load(ctl, Control.NEXT) - written < window) {
        const b = Atomics.add(ctl, Control.NEXT, 1);
        if (b < batches) {
          const out = new ByteOut(spareHere.pop() ?? outBytes);
          const done = renderBatch(reader, b * BATCH_SLOTS, BATCH_SLOTS, format, state, out);
          const buf = out.buf;
          results.set(b, { data: buf.subarray(0, out.pos), chunks: done.chunks, thread: 0, last: done.last, release: () => void spareHere.push(buf) });
          await turn();
          continue;
        }
        taken = true;
      }
      // The batch due is in a worker's hands: its message wakes this loop.
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    ended = true;
    Atomics.store(ctl, Control.STOP, 1);
    for (let i = 0; i < workerCount; i++) Atomics.notify(ctl, Control.generation(i));
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Opens a file and renders it; throws NotEvtxError (before any batch) when it is not EVTX. */
export async function* dumpEvtxFile(path: string, opts: DumpOptions): AsyncGenerator<DumpBatch> {
  const { reader } = SlotReader.openEvtx(path);
  const renderHere = opts.renderHere ?? true;
  if (opts.threads <= 1 || (renderHere && reader.slots <= BATCH_SLOTS)) {
    try {
      yield* inline(reader, opts.format, opts.outputBytes ?? OUT_BYTES);
    } finally {
      reader.close();
    }
    return;
  }
  try {
    yield* parallel(reader, path, opts.format, opts.threads, opts.outputBytes ?? OUT_BYTES, renderHere);
  } finally {
    reader.close();
  }
}
