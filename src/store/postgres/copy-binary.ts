import { CopyValueError } from './copy-text.js';

/**
 * Pieces of PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html,
 * "Binary Format"): an 11-byte signature, a flags word and a header-extension length; then per row
 * an int16 field count and per field an int32 byte length (-1 = NULL) followed by the value in the
 * type's binary "send" form, big-endian; an int16 -1 ends the data.
 *
 * The server converts nothing: a value must have exactly its column type's width (bigint 8 bytes,
 * integer 4, boolean 1), and a value out of range would be stored wrapped rather than refused as a
 * bad text literal is. So every integer is checked here and a bad one throws CopyValueError.
 * Text is UTF-8 (lone surrogates become U+FFFD, as when text is written to a socket); the caller
 * removes U+0000 first (nul.ts), which no PostgreSQL text may hold.
 *
 * The row writers (request-copy.ts, summary-fold.ts) lay their rows out field by field with these:
 * they are the hottest loops of the ingest, and a method call per value cost several times more.
 */
export const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0', 'latin1');

const TWO_32 = 4294967296;

/** A bigint field (12 bytes at p): any integer of the int8 range, exact for safe integers. */
export function putInt8(v: DataView, p: number, x: number): void {
  const hi = Math.floor(x / TWO_32);
  if (hi < -2147483648 || hi > 2147483647 || !Number.isInteger(x)) throw new CopyValueError(`${x} is not a 64-bit integer`);
  v.setInt32(p, 8);
  v.setInt32(p + 4, hi);
  v.setUint32(p + 8, x - hi * TWO_32);
}

/** An integer field (8 bytes at p). */
export function putInt4(v: DataView, p: number, x: number): void {
  if ((x | 0) !== x) throw new CopyValueError(`${x} is not a 32-bit integer`);
  v.setInt32(p, 4);
  v.setInt32(p + 4, x);
}

/** A boolean field (5 bytes at p). */
export function putBool(buf: Buffer, v: DataView, p: number, x: boolean): void {
  v.setInt32(p, 1);
  buf[p + 4] = x ? 1 : 0;
}

/** A NULL field (4 bytes at p). */
export function putNull(v: DataView, p: number): void {
  v.setInt32(p, -1);
}

/** A text field at p (needs up to 4 + 3 × length bytes); returns the position after it. */
export function putText(buf: Buffer, v: DataView, p: number, s: string): number {
  const n = s.length;
  const start = p + 4;
  let i = 0;
  // short ASCII strings (the usual case) are copied here: Buffer.write costs a native call
  if (n <= 64) {
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[start + i] = c;
    }
  }
  const bytes = i === n ? n : buf.write(s, start, 'utf8');
  v.setInt32(p, bytes);
  return start + bytes;
}

/** A buffer for `bytes` of COPY data, with its DataView. */
export function copyBuffer(bytes: number): { buf: Buffer; view: DataView } {
  const buf = Buffer.allocUnsafe(bytes);
  return { buf, view: new DataView(buf.buffer, buf.byteOffset, buf.byteLength) };
}
