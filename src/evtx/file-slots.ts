/**
 * An EVTX file's 64 KiB chunk slots: from bytes in memory, or read slot by slot through a
 * positional reader with bounded memory. Only the file header is parsed here (light to load: the
 * Node helpers that open files by path build on it).
 */
import { CHUNK_SIZE, FILE_HEADER_SIZE, chunkSlotCount, readFileHeader, type FileHeader } from './file-header.js';

export interface ChunkSlot {
  index: number;
  /** Absolute file offset of the slot. */
  offset: number;
  /** The slot's bytes (a trailing partial slot is shorter than CHUNK_SIZE). */
  bytes: Uint8Array;
}

/** The 64 KiB slots of an in-memory file, a trailing partial slot included. */
export function* chunkSlots(bytes: Uint8Array): Generator<ChunkSlot> {
  const full = chunkSlotCount(bytes.length);
  for (let i = 0; i < full; i++) {
    const offset = FILE_HEADER_SIZE + i * CHUNK_SIZE;
    yield { index: i, offset, bytes: bytes.subarray(offset, offset + CHUNK_SIZE) };
  }
  const tail = FILE_HEADER_SIZE + full * CHUNK_SIZE;
  if (tail < bytes.length) yield { index: full, offset: tail, bytes: bytes.subarray(tail) };
}

/** What the slot reader needs of an open file (Node's FileHandle fits, through a small adapter). */
export interface PositionalFile {
  size: number;
  /** Reads into `into` from file offset `position`; resolves to the bytes read (0 at the end). */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

export interface EvtxFileHandle {
  header: FileHeader;
  size: number;
  /** Each slot's bytes are valid until the next slot is asked for (one read buffer is reused; copy to keep). */
  slots(): AsyncGenerator<ChunkSlot>;
  close(): Promise<void>;
}

const BLOCK = 16 * CHUNK_SIZE;

/**
 * Reads the file header (throws NotEvtxError when it is not EVTX, after closing the file) and
 * gives the chunk slots with bounded memory, whatever the file size.
 */
export async function openEvtxSlots(file: PositionalFile): Promise<EvtxFileHandle> {
  try {
    const head = new Uint8Array(Math.min(FILE_HEADER_SIZE, file.size));
    await file.read(head, 0);
    const header = readFileHeader(head);
    const size = file.size;
    return {
      header,
      size,
      async *slots() {
        // 16 slots (1 MiB) per read: each async read is a thread-pool round trip. The block is
        // reused: fresh memory costs a page fault per 4 KiB.
        let index = 0;
        const buffer = new Uint8Array(Math.min(BLOCK, Math.max(0, size - FILE_HEADER_SIZE)));
        for (let blockStart = FILE_HEADER_SIZE; blockStart < size; blockStart += BLOCK) {
          const block = buffer.subarray(0, Math.min(BLOCK, size - blockStart));
          let got = 0;
          while (got < block.length) {
            const n = await file.read(block.subarray(got), blockStart + got);
            if (n === 0) break;
            got += n;
          }
          for (let off = 0; off < got; off += CHUNK_SIZE, index++) {
            yield { index, offset: blockStart + off, bytes: block.subarray(off, Math.min(off + CHUNK_SIZE, got)) };
          }
          if (got < block.length) return;
        }
      },
      close: () => file.close(),
    };
  } catch (e) {
    await file.close();
    throw e;
  }
}
