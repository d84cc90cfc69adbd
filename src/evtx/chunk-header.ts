/** Chunk header (evtx-format.md §1.2): magic, record ranges, free space, CRCs. */
import { crc32 as jsCrc32, isAllZero } from './bytes.js';

/** CRC-32 over bytes[start, end) continuing from `crc` (a native one can be passed in for speed). */
export type Crc32Fn = (bytes: Uint8Array, start: number, end: number, crc?: number) => number;

/** The header's size: a chunk's records start here. */
export const CHUNK_HEADER_SIZE = 512;

const MAGIC = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]; // "ElfChnk\0"

export interface ChunkHeader {
  firstRecordNumber: number;
  lastRecordNumber: number;
  firstRecordId: number;
  lastRecordId: number;
  lastRecordOffset: number;
  freeSpaceOffset: number;
  flags: number;
  /** null when not checked (the caller asked for no CRCs). */
  headerCrcOk: boolean | null;
  /** CRC of [512, freeSpaceOffset); null when freeSpaceOffset is out of range or not checked. */
  dataCrcOk: boolean | null;
}

export type ChunkSlotKind = 'chunk' | 'empty' | 'bad-magic';

export function classifySlot(bytes: Uint8Array): ChunkSlotKind {
  let magic = true;
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC[i]) magic = false;
  if (magic) return 'chunk';
  return isAllZero(bytes) ? 'empty' : 'bad-magic';
}

/** `crc32` null: the CRCs are not computed (their results come out null). */
export function readChunkHeader(bytes: Uint8Array, view: DataView, crc32: Crc32Fn | null = jsCrc32): ChunkHeader {
  const u64 = (o: number) => view.getUint32(o + 4, true) * 0x100000000 + view.getUint32(o, true);
  const freeSpaceOffset = view.getUint32(48, true);
  const headerCrcOk = crc32 === null ? null : crc32(bytes, 128, CHUNK_HEADER_SIZE, crc32(bytes, 0, 120)) === view.getUint32(124, true);
  const dataCrcOk = crc32 !== null && freeSpaceOffset >= CHUNK_HEADER_SIZE && freeSpaceOffset <= bytes.length
    ? crc32(bytes, CHUNK_HEADER_SIZE, freeSpaceOffset) === view.getUint32(52, true)
    : null;
  return {
    firstRecordNumber: u64(8),
    lastRecordNumber: u64(16),
    firstRecordId: u64(24),
    lastRecordId: u64(32),
    lastRecordOffset: view.getUint32(44, true),
    freeSpaceOffset,
    flags: view.getUint32(120, true),
    headerCrcOk,
    dataCrcOk,
  };
}
