/** Node-only: renders a run of chunk slots read from a file, the unit of work of `evtx dump`. */
import type { FlatValues } from '../binxml/instance-slots.js';
import type { TemplateCache } from '../binxml/template-cache.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE } from '../file-header.js';
import type { ByteOut } from '../render/byte-out.js';
import { renderChunkBytes, type ChunkSummary } from '../render/chunk-bytes.js';
import type { DumpFormat } from '../render/chunk-output.js';
import { nodeCrc32 } from './crc.js';
import type { SlotReader } from './slot-reader.js';

/** Slots per batch: 1 MiB read at once. */
export const BATCH_SLOTS = 16;

/** A thread's reusable state: templates and their programs, value scratch, the read buffer. */
export interface RenderState {
  cache: TemplateCache;
  flat: FlatValues;
  input: Uint8Array;
}

export interface RenderedBatch {
  chunks: ChunkSummary[];
  /** The file ended before the batch did (it shrank while being read): nothing follows. */
  last: boolean;
}

/**
 * Renders slots [first, first + count) into `out`; chunk ranges are offsets into out.buf. CRCs are
 * checked with zlib's CRC-32 so that the dump can say which chunks changed after they were written.
 */
export function renderBatch(reader: SlotReader, first: number, count: number, format: DumpFormat, state: RenderState, out: ByteOut): RenderedBatch {
  const got = reader.read(first, count, state.input);
  return renderRead(state.input, got, first, reader.span(first, count), format, state, out);
}

/** Renders slots read already: `got` bytes of `input` from slot `first` on, of `span` expected. */
export function renderRead(input: Uint8Array, got: number, first: number, span: number, format: DumpFormat, state: RenderState, out: ByteOut): RenderedBatch {
  const chunks: ChunkSummary[] = [];
  for (let i = 0; i * CHUNK_SIZE < got; i++) {
    const index = first + i;
    const bytes = input.subarray(i * CHUNK_SIZE, Math.min((i + 1) * CHUNK_SIZE, got));
    chunks.push(renderChunkBytes(bytes, index, FILE_HEADER_SIZE + index * CHUNK_SIZE, format, { cache: state.cache, flat: state.flat, crc32: nodeCrc32 }, out));
  }
  return { chunks, last: got < span };
}
