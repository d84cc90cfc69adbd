/**
 * Node-only: renders every chunk of a file, in file order, as batches of UTF-8 bytes. With one
 * thread everything happens here; with N, this thread and N - 1 workers each read and render the
 * batches they take, and this thread passes them on in order. A worker renders into output slots
 * this thread gave it once, as SharedArrayBuffers, and sends only the slot's number back: moving
 * buffers between threads by transfer instead cost about 15 % more CPU (measured in BENCHMARKS.md,
 * "EVTX reader"). A slot is reused once its bytes are written; with a few slots per thread in
 * flight, memory stays bounded whatever the file size.
 */
import { Worker } from 'node:worker_threads';
import { FlatValues } from '../binxml/flat-values.js';
import { TemplateCache } from '../binxml/template-cache.js';
import { CHUNK_SIZE } from '../file-header.js';
import { ByteOut } from '../render/byte-out.js';
import type { ChunkSummary } from '../render/chunk-bytes.js';
import type { DumpFormat } from '../render/chunk-output.js';
import { BATCH_SLOTS, renderBatch } from './render-batch.js';
import { SlotReader } from './slot-reader.js';

export interface DumpOptions {
  format: DumpFormat;
  threads: number;
  /** Size of each output buffer (default 2 MiB); a batch that outgrows one grows a buffer of its own. */
  outputBytes?: number;
}

export interface DumpBatch {
  /** The records of the batch's chunks, in order; chunk i's are data[chunks[i].start, chunks[i].end). */
  data: Uint8Array;
  chunks: ChunkSummary[];
  /** Call once `data` is written: its buffer is reused. */
  release(): void;
}

/** Output buffer size: a batch's text is about 1.5 × its 1 MiB of chunks. */
const OUT_BYTES = 2 << 20;

/** Job sent to a worker: render slots [first, first + count) into output slot `slot`. */
export interface BatchJob {
  batch: number;
  first: number;
  count: number;
  slot: number;
}

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
  /** The worker's output slots. */
  outputs: SharedArrayBuffer[];
}

/** Output slots per worker: jobs queued at the worker plus results waiting to be written. */
const WORKER_SLOTS = 4;

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

async function* inline(reader: SlotReader, format: DumpFormat, outBytes: number): AsyncGenerator<DumpBatch> {
  const state = { cache: new TemplateCache(), flat: new FlatValues(), input: new Uint8Array(BATCH_SLOTS * CHUNK_SIZE) };
  const spare: Uint8Array[] = [];
  let inUse = 0;
  let returned: (() => void) | null = null;
  for (let first = 0; first < reader.slots; first += BATCH_SLOTS) {
    // A stream calls back after a tick at the earliest: without this wait every batch would take a new buffer.
    while (spare.length === 0 && inUse >= IN_FLIGHT) await new Promise<void>((resolve) => (returned = resolve));
    const bytes = new ByteOut(spare.pop() ?? outBytes);
    inUse++;
    const r = renderBatch(reader, first, BATCH_SLOTS, format, state, bytes);
    const buf = bytes.buf;
    const release = () => {
      inUse--;
      spare.push(buf);
      const wake = returned;
      returned = null;
      wake?.();
    };
    yield { data: buf.subarray(0, bytes.pos), chunks: r.chunks, release };
    if (r.last) return;
  }
}

/** A batch ready to be written, from this thread or a worker. */
interface Ready {
  data: Uint8Array;
  chunks: ChunkSummary[];
  last: boolean;
  release(): void;
}

/** Lets worker messages in (they arrive through the event loop, which rendering here holds up). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * N threads: this one and N - 1 workers. Workers are kept a few batches ahead; this thread renders
 * the next batch itself whenever the one due next is not there yet, so it is never idle while the
 * workers start or catch up.
 */
async function* parallel(reader: SlotReader, path: string, format: DumpFormat, threads: number, outBytes: number): AsyncGenerator<DumpBatch> {
  const batches = Math.ceil(reader.slots / BATCH_SLOTS);
  const setups = Array.from({ length: Math.min(threads, batches) - 1 }, (): WorkerSetup => ({
    path,
    format,
    outputs: Array.from({ length: WORKER_SLOTS }, () => new SharedArrayBuffer(outBytes)),
  }));
  const workers = setups.map(startWorker);
  const state = { cache: new TemplateCache(), flat: new FlatValues(), input: new Uint8Array(BATCH_SLOTS * CHUNK_SIZE) };
  const results = new Map<number, Ready>();
  const spareHere: Uint8Array[] = [];
  /** Per worker, its output slots not in use. */
  const free = setups.map((setup) => setup.outputs.map((_, i) => i));
  const window = 4 * threads;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  let next = 0;
  let written = 0;
  let ended = false;
  const dispatch = () => {
    workers.forEach((w, i) => {
      while (free[i].length > 0 && next < batches && next - written < window) {
        const job: BatchJob = { batch: next, first: next * BATCH_SLOTS, count: BATCH_SLOTS, slot: free[i].pop()! };
        w.postMessage(job);
        next++;
      }
    });
  };
  workers.forEach((w, i) => {
    w.on('message', (r: BatchResult) => {
      const data = new Uint8Array(r.grown ?? setups[i].outputs[r.slot], 0, r.length);
      const release = () => {
        free[i].push(r.slot);
        notify();
      };
      results.set(r.batch, { data, chunks: r.chunks, last: r.last, release });
      notify();
    });
    w.on('error', (e) => {
      failure ??= e;
      notify();
    });
    w.on('exit', (code) => {
      if (!ended) failure ??= new Error(`evtx worker exited (code ${code}) before the dump was done`);
      notify();
    });
  });
  try {
    while (written < batches) {
      dispatch();
      const r = results.get(written);
      if (r !== undefined) {
        results.delete(written);
        written++;
        yield r;
        if (r.last) return;
        continue;
      }
      if (failure !== null) throw failure;
      if (next < batches && next - written < window) {
        const b = next++;
        const out = new ByteOut(spareHere.pop() ?? outBytes);
        const done = renderBatch(reader, b * BATCH_SLOTS, BATCH_SLOTS, format, state, out);
        const buf = out.buf;
        results.set(b, { data: buf.subarray(0, out.pos), chunks: done.chunks, last: done.last, release: () => void spareHere.push(buf) });
        await turn();
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    ended = true;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Opens a file and renders it; throws NotEvtxError (before any batch) when it is not EVTX. */
export async function* dumpEvtxFile(path: string, opts: DumpOptions): AsyncGenerator<DumpBatch> {
  const { reader } = SlotReader.openEvtx(path);
  if (opts.threads <= 1 || reader.slots <= BATCH_SLOTS) {
    try {
      yield* inline(reader, opts.format, opts.outputBytes ?? OUT_BYTES);
    } finally {
      reader.close();
    }
    return;
  }
  try {
    yield* parallel(reader, path, opts.format, opts.threads, opts.outputBytes ?? OUT_BYTES);
  } finally {
    reader.close();
  }
}
