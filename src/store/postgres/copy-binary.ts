import { CopyValueError } from './copy-text.js';

/**
 * Encoder for PostgreSQL's binary COPY format (https://www.postgresql.org/docs/current/sql-copy.html,
 * "Binary Format"): an 11-byte signature, a flags word and a header-extension length; then per row
 * an int16 field count and per field an int32 byte length (-1 = NULL) followed by the value in the
 * type's binary "send" form, big-endian; an int16 -1 ends the data.
 *
 * The server converts nothing but checks everything: a value must have exactly its column type's
 * width, so each column is written with the method of its type (int8 → `int8`, integer → `int4`,
 * boolean → `bool`, text → `text`). Integers are checked here, since a wrong width or a wrapped
 * value would not be refused by the server the way a bad text literal is. Strings are sent as
 * UTF-8 (lone surrogates become U+FFFD, as when text is written to a socket); the caller removes
 * U+0000 first (nul.ts), which no PostgreSQL text may hold.
 *
 * Output comes in chunks (`take()`) so a large COPY can be streamed while it is being encoded.
 */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const TWO_32 = 4294967296;

export class BinaryCopyWriter {
  private buf: Buffer;
  private view: DataView;
  private pos = 0;
  /** buf.byteLength, kept in a field: the Buffer getter is far slower on the hot path. */
  private cap: number;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(Math.max(64, initialBytes));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.cap = this.buf.byteLength;
    this.buf.set(SIGNATURE, 0);
    this.view.setInt32(11, 0); // flags: no OIDs
    this.view.setInt32(15, 0); // no header extension
    this.pos = 19;
  }

  /** Bytes written since the last take(). */
  get length(): number {
    return this.pos;
  }

  /** Starts a row of `fields` values. */
  row(fields: number): void {
    if (this.pos + 2 > this.cap) this.reserve(2);
    this.view.setInt16(this.pos, fields);
    this.pos += 2;
  }

  /** A bigint value: any integer in the int8 range (exact for JavaScript's safe integers). */
  int8(value: number): void {
    const hi = Math.floor(value / TWO_32);
    if (hi < -2147483648 || hi > 2147483647 || !Number.isInteger(value)) throw new CopyValueError(`${value} is not a 64-bit integer`);
    const p = this.pos;
    if (p + 12 > this.cap) this.reserve(12);
    const v = this.view;
    v.setInt32(p, 8);
    v.setInt32(p + 4, hi);
    v.setUint32(p + 8, value - hi * TWO_32);
    this.pos = p + 12;
  }

  /** An integer value (-2^31 .. 2^31-1). */
  int4(value: number): void {
    if ((value | 0) !== value) throw new CopyValueError(`${value} is not a 32-bit integer`);
    if (this.pos + 8 > this.cap) this.reserve(8);
    this.view.setInt32(this.pos, 4);
    this.view.setInt32(this.pos + 4, value);
    this.pos += 8;
  }

  bool(value: boolean): void {
    if (this.pos + 5 > this.cap) this.reserve(5);
    this.view.setInt32(this.pos, 1);
    this.buf[this.pos + 4] = value ? 1 : 0;
    this.pos += 5;
  }

  null(): void {
    if (this.pos + 4 > this.cap) this.reserve(4);
    this.view.setInt32(this.pos, -1);
    this.pos += 4;
  }

  /** A bigint value or NULL. */
  int8OrNull(value: number | null): void {
    if (value === null) this.null();
    else this.int8(value);
  }

  text(value: string): void {
    // at most 3 bytes per UTF-16 unit
    const n = value.length;
    if (this.pos + 4 + n * 3 > this.cap) this.reserve(4 + n * 3);
    const start = this.pos + 4;
    // short ASCII strings (the usual case) are copied here: Buffer.write costs a native call
    if (n <= 32) {
      const b = this.buf;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        b[start + i] = c;
      }
      if (i === n) {
        this.view.setInt32(this.pos, n);
        this.pos = start + n;
        return;
      }
    }
    const bytes = this.buf.write(value, start, 'utf8');
    this.view.setInt32(this.pos, bytes);
    this.pos = start + bytes;
  }

  /** The bytes written so far (the writer keeps going in a fresh buffer). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(this.cap, 1 << 16));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.cap = this.buf.byteLength;
    this.pos = 0;
    return out;
  }

  /** The end-of-data marker and everything not yet taken. */
  finish(): Buffer {
    if (this.pos + 2 > this.cap) this.reserve(2);
    this.view.setInt16(this.pos, -1);
    this.pos += 2;
    return this.take();
  }

  private reserve(bytes: number): void {
    const grown = Buffer.allocUnsafe(Math.max(this.cap * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
    this.cap = grown.byteLength;
  }
}
