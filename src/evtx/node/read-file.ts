/** Node-only: an EVTX file opened by path, read slot by slot (file.ts `openEvtxSlots`). */
import { open, type FileHandle } from 'node:fs/promises';
import { openEvtxSlots, type EvtxFileHandle, type PositionalFile } from '../file-slots.js';

/** Node's FileHandle as the reader's PositionalFile. */
export async function positionalFile(fh: FileHandle): Promise<PositionalFile> {
  const { size } = await fh.stat();
  return {
    size,
    read: async (into, position) => (await fh.read(into, 0, into.length, position)).bytesRead,
    close: () => fh.close(),
  };
}

/** Opens the file and reads its header; throws NotEvtxError when it is not EVTX. */
export async function openEvtxFile(path: string): Promise<EvtxFileHandle> {
  const fh = await open(path, 'r');
  let file: PositionalFile;
  try {
    file = await positionalFile(fh);
  } catch (e) {
    await fh.close();
    throw e;
  }
  return openEvtxSlots(file);
}
