/** Public surface of the reader's Node-only helpers: files by path, zlib's CRC-32, the threaded dump. */
import type { DumpBatch, DumpOptions } from './parallel.js';

export { openEvtxFile, positionalFile } from './read-file.js';
export { nodeCrc32 } from './crc.js';
export { liveLogHint, logNameOf } from './live-log.js';
export type { DumpBatch, DumpOptions } from './parallel.js';
export type { ChunkSummary } from '../render/chunk-bytes.js';

/**
 * Renders a file's chunks in file order (parallel.ts). Loaded on first use: the renderers take a
 * tenth of a second to load, which every command importing this module (main.ts, for the live-log
 * hint) would pay otherwise.
 */
export async function* dumpEvtxFile(path: string, opts: DumpOptions): AsyncGenerator<DumpBatch> {
  const { dumpEvtxFile: dump } = await import('./parallel.js');
  yield* dump(path, opts);
}
