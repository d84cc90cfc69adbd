/** Whole-file reading over bytes in memory or over chunk slots supplied one at a time. */
import { TemplateCache } from './binxml/template-cache.js';
import type { EvtxLimits } from './binxml/context.js';
import { parseChunk, type ChunkResult } from './chunk.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, chunkSlotCount, readFileHeader, type FileHeader } from './file-header.js';

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

/** The 64 KiB slots of an in-memory file, a trailing partial slot included. */
export function* chunkSlots(bytes: Uint8Array): Generator<{ index: number; offset: number; bytes: Uint8Array }> {
  const full = chunkSlotCount(bytes.length);
  for (let i = 0; i < full; i++) {
    const offset = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    yield { index: i, offset, bytes: bytes.subarray(offset, offset + CHUNK_SIZE) };
  }
  const tail = FILE_HEADER_SIZE + full * CHUNK_SIZE;
  if (tail < bytes.length) yield { index: full, offset: tail, bytes: bytes.subarray(tail) };
}
