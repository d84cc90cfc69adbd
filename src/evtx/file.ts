/** A whole EVTX file in memory, parsed. */
import { TemplateCache } from './binxml/template-cache.js';
import type { EvtxLimits } from './binxml/context.js';
import { parseChunk, type ChunkResult } from './chunk.js';
import { readFileHeader, type FileHeader } from './file-header.js';
import { chunkSlots } from './file-slots.js';

// Also here for the scripts that import it from this module (bench/evtx-build.mjs, bench/evtx-ingest.mjs).
export { chunkSlots } from './file-slots.js';

export interface ParsedEvtx {
  header: FileHeader;
  chunks: ChunkResult[];
}

/** Parses a complete EVTX file held in memory. Throws NotEvtxError only when the header is not EVTX. */
export function parseEvtxBuffer(bytes: Uint8Array, opts: { limits?: EvtxLimits; file?: string } = {}): ParsedEvtx {
  const header = readFileHeader(bytes, opts.file);
  const cache = new TemplateCache();
  const chunks: ChunkResult[] = [];
  for (const slot of chunkSlots(bytes)) chunks.push(parseChunk(slot.bytes, slot.index, slot.offset, { cache, limits: opts.limits }));
  return { header, chunks };
}
