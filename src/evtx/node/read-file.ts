/**
 * Node-only: reads an EVTX file slot by slot (4 KiB header, then 64 KiB chunks) with bounded
 * memory, whatever the file size.
 */
import { open } from 'node:fs/promises';
import { CHUNK_SIZE, FILE_HEADER_SIZE, readFileHeader, type FileHeader } from '../file-header.js';

const BLOCK = 16 * CHUNK_SIZE;

export interface ChunkSlot {
  index: number;
  /** Absolute file offset of the slot. */
  offset: number;
  /** The slot's bytes: valid until the next slot is asked for (one read buffer is reused; copy to keep). */
  bytes: Uint8Array;
}

export interface EvtxFileHandle {
  header: FileHeader;
  size: number;
  slots(): AsyncGenerator<ChunkSlot>;
  close(): Promise<void>;
}

/** Opens the file and reads its header; throws NotEvtxError when it is not EVTX. */
export async function openEvtxFile(path: string): Promise<EvtxFileHandle> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = new Uint8Array(Math.min(FILE_HEADER_SIZE, size));
    await fh.read(head, 0, head.length, 0);
    const header = readFileHeader(head);
    return {
      header,
      size,
      async *slots() {
        // Read 16 slots (1 MiB) per call: each async read is a thread-pool round trip. The block
        // is reused: fresh memory costs a page fault per 4 KiB.
        let index = 0;
        const buffer = new Uint8Array(Math.min(BLOCK, Math.max(0, size - FILE_HEADER_SIZE)));
        for (let blockStart = FILE_HEADER_SIZE; blockStart < size; blockStart += BLOCK) {
          const block = buffer.subarray(0, Math.min(BLOCK, size - blockStart));
          let got = 0;
          while (got < block.length) {
            const { bytesRead } = await fh.read(block, got, block.length - got, blockStart + got);
            if (bytesRead === 0) break;
            got += bytesRead;
          }
          for (let off = 0; off < got; off += CHUNK_SIZE, index++) {
            yield { index, offset: blockStart + off, bytes: block.subarray(off, Math.min(off + CHUNK_SIZE, got)) };
          }
          if (got < block.length) return;
        }
      },
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}
