/** Worker thread entry: decodes and renders chunks sent by parallel.ts, one template cache per worker. */
import { parentPort } from 'node:worker_threads';
import { TemplateCache } from '../binxml/template-cache.js';
import { renderChunk, type DumpFormat } from '../render/chunk-output.js';
import { nodeCrc32 } from './crc.js';

export interface ChunkJob {
  index: number;
  offset: number;
  bytes: Uint8Array;
  format: DumpFormat;
}

const cache = new TemplateCache();
const utf8 = new TextEncoder();
parentPort?.on('message', (job: ChunkJob) => {
  try {
    const r = renderChunk(job.bytes, job.index, job.offset, job.format, { cache, crc32: nodeCrc32 });
    // UTF-8 encoding here, in parallel, leaves the main thread only the writes; the bytes move
    // to it by transfer.
    const data = utf8.encode(r.text);
    r.text = '';
    r.data = data;
    parentPort!.postMessage(r, [data.buffer as ArrayBuffer]);
  } catch (e) {
    // renderChunk does not throw on bad data; this is a bug guard so the dump never hangs.
    parentPort!.postMessage({ index: job.index, state: 'ok', text: '', ok: 0, errors: [{ offset: job.offset, message: `worker failed: ${String(e)}` }] });
  }
});
