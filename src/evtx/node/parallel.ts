/**
 * Node-only: renders every chunk of a file, in file order, as batches of UTF-8 bytes. With one
 * thread everything happens here; with N, N workers each read and render the batches they are
 * given and hand the bytes over (transferred, not copied), and this thread only passes them on in
 * order. Output buffers go back to be reused once written; at most a few batches per worker are in
 * flight, so memory stays bounded whatever the file size.
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

/** Job sent to a worker; `buffer` is a spent output buffer it may reuse. */
export interface BatchJob {
  batch: number;
  first: number;
  count: number;
  buffer?: ArrayBuffer;
}

export interface BatchResult {
  batch: number;
  buffer: ArrayBuffer;
  length: number;
  chunks: ChunkSummary[];
  last: boolean;
}

export interface WorkerSetup {
  path: string;
  format: DumpFormat;
}

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

async function* inline(reader: SlotReader, format: DumpFormat): AsyncGenerator<DumpBatch> {
  const state = { cache: new TemplateCache(), flat: new FlatValues(), input: new Uint8Array(BATCH_SLOTS * CHUNK_SIZE) };
  const spare: Uint8Array[] = [];
  let inUse = 0;
  let returned: (() => void) | null = null;
  for (let first = 0; first < reader.slots; first += BATCH_SLOTS) {
    // A stream calls back after a tick at the earliest: without this wait every batch would take a new buffer.
    while (spare.length === 0 && inUse >= IN_FLIGHT) await new Promise<void>((resolve) => (returned = resolve));
    const bytes = new ByteOut(spare.pop() ?? OUT_BYTES);
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

async function* parallel(path: string, slots: number, format: DumpFormat, threads: number): AsyncGenerator<DumpBatch> {
  const batches = Math.ceil(slots / BATCH_SLOTS);
  const workers = Array.from({ length: Math.min(threads, batches) }, () => startWorker({ path, format }));
  const results = new Map<number, BatchResult>();
  const spare: ArrayBuffer[] = [];
  const busy = new Map<Worker, number>();
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  let next = 0;
  let written = 0;
  // Keeps each worker two batches ahead, and the whole pipeline a few batches ahead of the writes.
  const dispatch = () => {
    for (const w of workers) {
      while ((busy.get(w) ?? 0) < 2 && next < batches && next - written < 4 * workers.length) {
        const buffer = spare.pop();
        const job: BatchJob = { batch: next, first: next * BATCH_SLOTS, count: BATCH_SLOTS, buffer };
        w.postMessage(job, buffer ? [buffer] : []);
        busy.set(w, (busy.get(w) ?? 0) + 1);
        next++;
      }
    }
  };
  for (const w of workers) {
    w.on('message', (r: BatchResult) => {
      busy.set(w, (busy.get(w) ?? 1) - 1);
      results.set(r.batch, r);
      notify();
    });
    w.on('error', (e) => {
      failure ??= e;
      notify();
    });
    w.on('exit', (code) => {
      if (written < batches) failure ??= new Error(`evtx worker exited (code ${code}) before the dump was done`);
      notify();
    });
  }
  try {
    dispatch();
    while (written < batches) {
      const r = results.get(written);
      if (r === undefined) {
        if (failure !== null) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      results.delete(written);
      written++;
      dispatch();
      yield { data: new Uint8Array(r.buffer, 0, r.length), chunks: r.chunks, release: () => void spare.push(r.buffer) };
      if (r.last) return;
      dispatch();
    }
  } finally {
    written = batches;
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Opens a file and renders it; throws NotEvtxError (before any batch) when it is not EVTX. */
export async function* dumpEvtxFile(path: string, opts: DumpOptions): AsyncGenerator<DumpBatch> {
  const { reader } = SlotReader.openEvtx(path);
  if (opts.threads <= 1 || reader.slots <= BATCH_SLOTS) {
    try {
      yield* inline(reader, opts.format);
    } finally {
      reader.close();
    }
    return;
  }
  const slots = reader.slots;
  reader.close();
  yield* parallel(path, slots, opts.format, opts.threads);
}
