/** Per-chunk parsing state shared by the BinXML layers. */
import type { CompiledTemplate } from './ir.js';

/** What parsing needs of the cross-chunk template cache (template-cache.ts implements it). */
export interface TemplateStore {
  nextId(): number;
  /** A compiled template equal to the definition at `defOffset` of this chunk, if one is kept. */
  find(c: ChunkContext, defOffset: number, size: number): CompiledTemplate | undefined;
  add(c: ChunkContext, defOffset: number, t: CompiledTemplate): void;
}

export interface EvtxLimits {
  /** Maximum nesting of elements plus nested BinXml fragments in one record. */
  maxDepth: number;
  /** Maximum substitution values in one template instance. */
  maxValues: number;
  /**
   * Maximum size of one record once expanded, in nodes, name and text characters and value bytes
   * (record-weight.ts), about the size of its text. The corpus's heaviest record weighs 17,845: only
   * damage or a hostile file (a nested value used again at every level, names kilobytes long used
   * by many elements) gets near it.
   */
  maxExpansion: number;
  /**
   * The same for all records of one chunk together (the corpus's heaviest chunk: 130,544). It
   * keeps what a hostile chunk of many small heavy records makes of its 64 KiB to about 30 times
   * its size in weight, where the record limit alone would allow thousands of times. Measured on
   * a 4 MB file of 64 such chunks: 82 MB of JSON lines in 5 s, 195 MB peak RSS (at 4,000,000:
   * 736 MB in 45 s, 414 MB).
   */
  maxChunkExpansion: number;
}

export const DEFAULT_LIMITS: EvtxLimits = { maxDepth: 128, maxValues: 4096, maxExpansion: 1_000_000, maxChunkExpansion: 2_000_000 };

export interface ChunkContext {
  /** The 64 KiB chunk (chunk-relative offsets index into it). */
  bytes: Uint8Array;
  view: DataView;
  /** Chunk slot index in the file. */
  index: number;
  /** Absolute file offset of the chunk start, for error messages. */
  fileOffset: number;
  /** Names by chunk offset. */
  names: Map<number, string>;
  /** Compiled templates by definition offset in this chunk. */
  templates: Map<number, CompiledTemplate>;
  /** Compiled templates shared across chunks. */
  cache: TemplateStore;
  limits: EvtxLimits;
  /** Record being parsed (for error context). */
  recordId?: number;
  /** Weight (record-weight.ts) of the chunk's records read so far, against `limits.maxChunkExpansion`. */
  expanded: number;
}

export function createChunkContext(bytes: Uint8Array, index: number, fileOffset: number, cache: TemplateStore, limits: EvtxLimits = DEFAULT_LIMITS): ChunkContext {
  return {
    bytes,
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    index,
    fileOffset,
    names: new Map(),
    templates: new Map(),
    cache,
    limits,
    expanded: 0,
  };
}
