/**
 * Node-only: renders every chunk of a file, in file order, on N worker threads (or inline when
 * N = 1). At most a few chunks per worker are in flight, so memory stays bounded.
 */
import { Worker } from 'node:worker_threads';
import { TemplateCache } from '../binxml/template-cache.js';
import { renderChunk, type DumpFormat, type RenderedChunk } from '../render/chunk-output.js';
import { nodeCrc32 } from './crc.js';
import { openEvtxFile, type EvtxFileHandle } from './read-file.js';

export interface DumpOptions {
  format: DumpFormat;
  threads: number;
}

/** A larger young generation: each chunk makes a few MB of short-lived trees (measured: less GC time). */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 32 };

function startWorker(): Worker {
  if (import.meta.url.endsWith('.ts')) {
    // Under a TypeScript runner (tests, tsx) the sibling is worker.ts: load it through tsx's API.
    const ts = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${ts}); });`;
    return new Worker(boot, { eval: true, resourceLimits: WORKER_LIMITS });
  }
  return new Worker(new URL('./worker.js', import.meta.url), { resourceLimits: WORKER_LIMITS });
}

/** Yields rendered chunks in file order. */
export async function* renderFileChunks(file: EvtxFileHandle, opts: DumpOptions): AsyncGenerator<RenderedChunk> {
  if (opts.threads <= 1) {
    const cache = new TemplateCache();
    for await (const slot of file.slots()) yield renderChunk(slot.bytes, slot.index, slot.offset, opts.format, { cache, crc32: nodeCrc32 });
    return;
  }
  const workers = Array.from({ length: opts.threads }, startWorker);
  const pending = new Map<number, { resolve: (r: RenderedChunk) => void; reject: (e: unknown) => void }>();
  const results = new Map<number, Promise<RenderedChunk>>();
  for (const w of workers) {
    w.on('message', (r: RenderedChunk) => {
      const p = pending.get(r.index);
      pending.delete(r.index);
      p?.resolve(r);
    });
    w.on('error', (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  }
  const maxInFlight = opts.threads * 4;
  let next = 0;
  try {
    const slots = file.slots();
    let done = false;
    while (!done || results.size > 0) {
      while (!done && results.size < maxInFlight) {
        const it = await slots.next();
        if (it.done) {
          done = true;
          break;
        }
        const slot = it.value;
        const worker = workers[slot.index % workers.length];
        results.set(slot.index, new Promise((resolve, reject) => pending.set(slot.index, { resolve, reject })));
        worker.postMessage({ index: slot.index, offset: slot.offset, bytes: slot.bytes, format: opts.format }, [slot.bytes.buffer as ArrayBuffer]);
      }
      const r = results.get(next);
      if (!r) break;
      const rendered = await r;
      results.delete(next);
      next++;
      yield rendered;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Opens a file and renders it (convenience for the CLI and tests). */
export async function* dumpEvtxFile(path: string, opts: DumpOptions): AsyncGenerator<RenderedChunk> {
  const file = await openEvtxFile(path);
  try {
    yield* renderFileChunks(file, opts);
  } finally {
    await file.close();
  }
}
