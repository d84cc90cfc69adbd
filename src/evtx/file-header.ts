/** EVTX file header (evtx-format.md §1.1; libyal "File header"). */
import { crc32 } from './bytes.js';
import { NotEvtxError } from './errors.js';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
const MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"

export interface FileHeader {
  firstChunk: number;
  lastChunk: number;
  nextRecordId: number;
  minorVersion: number;
  majorVersion: number;
  /** Chunk count as written (16 bits, often stale). */
  chunkCount: number;
  flags: number;
  dirty: boolean;
  full: boolean;
  noCrc32: boolean;
  crcStored: number;
  crcComputed: number;
  /** true when the CRC matches; null when the file says it carries no CRCs (flag 0x4). */
  crcOk: boolean | null;
}

export function isEvtxMagic(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/** Parses the first 128 bytes; throws NotEvtxError when the magic is wrong (naming `file` when given; callers that print the file themselves leave it out). */
export function readFileHeader(bytes: Uint8Array, file?: string): FileHeader {
  if (bytes.length < 128 || !isEvtxMagic(bytes)) {
    const why = bytes.length === 0 ? 'the file is empty' : bytes.length < 128 ? `only ${bytes.length} bytes, shorter than a file header` : 'no "ElfFile" signature';
    throw new NotEvtxError(why, { offset: 0, what: file === undefined ? 'file header' : `${file}: file header` });
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, 128);
  const u64 = (o: number) => v.getUint32(o + 4, true) * 0x100000000 + v.getUint32(o, true);
  const flags = v.getUint32(120, true);
  const crcStored = v.getUint32(124, true);
  const crcComputed = crc32(bytes, 0, 120);
  const noCrc32 = (flags & 0x4) !== 0;
  return {
    firstChunk: u64(8),
    lastChunk: u64(16),
    nextRecordId: u64(24),
    minorVersion: v.getUint16(36, true),
    majorVersion: v.getUint16(38, true),
    chunkCount: v.getUint16(42, true),
    flags,
    dirty: (flags & 0x1) !== 0,
    full: (flags & 0x2) !== 0,
    noCrc32,
    crcStored,
    crcComputed,
    crcOk: noCrc32 && crcStored !== crcComputed ? null : crcStored === crcComputed,
  };
}

/** Number of 64 KiB chunk slots after the header, from the file size (the header count is not trusted). */
export function chunkSlotCount(fileSize: number): number {
  return Math.max(0, Math.floor((fileSize - FILE_HEADER_SIZE) / CHUNK_SIZE));
}
