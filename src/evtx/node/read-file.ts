/**
 * Node-only: reads an EVTX file slot by slot (4 KiB header, then 64 KiB chunks) with bounded
 * memory, whatever the file size.
 */
import { open } from 'node:fs/promises';
import { CHUNK_SIZE, FILE_HEADER_SIZE, readFileHeader, type FileHeader } from '../file-header.js';

export interface ChunkSlot {
  index: number;
  /** Absolute file offset of the slot. */
  offset: number;
  /** The slot's bytes (a fresh buffer each time: safe to keep or transfer). */
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
    const header = readFileHeader(head, path);
    return {
      header,
      size,
      async *slots() {
        for (let index = 0, offset = FILE_HEADER_SIZE; offset < size; index++, offset += CHUNK_SIZE) {
          const bytes = new Uint8Array(Math.min(CHUNK_SIZE, size - offset));
          let got = 0;
          while (got < bytes.length) {
            const { bytesRead } = await fh.read(bytes, got, bytes.length - got, offset + got);
            if (bytesRead === 0) break;
            got += bytesRead;
          }
          yield { index, offset, bytes: got === bytes.length ? bytes : bytes.subarray(0, got) };
        }
      },
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}
