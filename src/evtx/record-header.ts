/**
 * Event record layout (evtx-format.md §1.3, MS-EVEN6 §2.2.3): a 24-byte header, the record's
 * BinXML, and a trailing copy of the size.
 */
import { u64Number } from './bytes.js';

export const RECORD_MAGIC = 0x00002a2a;
export const RECORD_HEADER_SIZE = 24;
/** The trailing size copy. */
export const RECORD_TRAILER_SIZE = 4;
/** Smallest possible record: header and trailer. */
export const RECORD_MIN_SIZE = RECORD_HEADER_SIZE + RECORD_TRAILER_SIZE;
/** Offset of the written time (FILETIME) in the header. */
export const RECORD_WRITTEN = 16;

/** RECORD_MAGIC in a record; 0 where the chunk's records end. The caller has checked that RECORD_MIN_SIZE bytes remain. */
export function recordMagicAt(view: DataView, pos: number): number {
  return view.getUint32(pos, true);
}

/** Size of the whole record at `pos`, header and trailer included. */
export function recordSizeAt(view: DataView, pos: number): number {
  return view.getUint32(pos + 4, true);
}

/** EventRecordID of the header at `pos`. */
export function recordIdAt(view: DataView, pos: number): number {
  return u64Number(view, pos + 8);
}

/** The size copy of a record of `size` bytes at `pos`. */
export function sizeCopyAt(view: DataView, pos: number, size: number): number {
  return view.getUint32(pos + size - RECORD_TRAILER_SIZE, true);
}
