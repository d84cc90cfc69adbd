/** A growing UTF-8 output buffer: the byte render path writes records straight into it. */

export class ByteOut {
  buf: Uint8Array;
  pos = 0;

  /** A new buffer of `init` bytes, or writing into `init` (a buffer handed back for reuse). */
  constructor(init: number | Uint8Array = 1 << 20) {
    this.buf = typeof init === 'number' ? new Uint8Array(init) : init;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }

  /** Hands over the bytes written so far and starts a fresh buffer (the caller may keep or transfer them). */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.buf = new Uint8Array(this.buf.length);
    this.pos = 0;
    return out;
  }

  /** Appends a JS string as UTF-8 (a lone surrogate becomes U+FFFD, as TextEncoder does). */
  string(s: string): void {
    this.ensure(3 * s.length);
    this.pos = writeUtf8(this.buf, this.pos, s);
  }
}

/** UTF-8 of `s` at out[p]; returns the end. `out` must have 3 * s.length bytes free. */
export function writeUtf8(out: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    let u = s.charCodeAt(i);
    if (u < 0x80) {
      out[p++] = u;
    } else if (u < 0x800) {
      out[p++] = 0xc0 | (u >> 6);
      out[p++] = 0x80 | (u & 0x3f);
    } else {
      if (u >= 0xd800 && u <= 0xdfff) {
        const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (u <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = 0x10000 + ((u - 0xd800) << 10) + (next - 0xdc00);
          out[p++] = 0xf0 | (cp >> 18);
          out[p++] = 0x80 | ((cp >> 12) & 0x3f);
          out[p++] = 0x80 | ((cp >> 6) & 0x3f);
          out[p++] = 0x80 | (cp & 0x3f);
          i++;
          continue;
        }
        u = 0xfffd;
      }
      out[p++] = 0xe0 | (u >> 12);
      out[p++] = 0x80 | ((u >> 6) & 0x3f);
      out[p++] = 0x80 | (u & 0x3f);
    }
  }
  return p;
}

/** ASCII-only text (numbers, hex, dates) at out[p]; returns the end. */
export function writeAscii(out: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) out[p++] = s.charCodeAt(i);
  return p;
}
