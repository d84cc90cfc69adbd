/** Byte-level helpers shared by every layer: CRC32, UTF-16LE and ANSI decoding. No Node APIs. */

/** Slicing-by-8 tables: T[k][b] = CRC of byte b followed by k zero bytes (reflected 0xEDB88320). */
const CRC_TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as zlib) of bytes[start, end), continuing from `crc`. Pure JS, 8 bytes a step. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  const t = CRC_TABLES;
  let c = ~crc;
  let i = start;
  for (const last8 = end - 8; i <= last8; i += 8) {
    const lo = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    c = t[1792 + (lo & 0xff)] ^ t[1536 + ((lo >>> 8) & 0xff)] ^ t[1280 + ((lo >>> 16) & 0xff)] ^ t[1024 + (lo >>> 24)] ^
      t[768 + bytes[i + 4]] ^ t[512 + bytes[i + 5]] ^ t[256 + bytes[i + 6]] ^ t[bytes[i + 7]];
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const utf16 = new TextDecoder('utf-16le');
// windows-1252 differs from Latin-1 only in 0x80-0x9F (Node 20's TextDecoder treats it as Latin-1).
export const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * UTF-16LE code units [off, off + 2*count) to a string. Short strings without surrogates are
 * built by hand (faster than a TextDecoder call); anything with a surrogate goes through the
 * decoder so lone surrogates become U+FFFD consistently.
 */
export function decodeUtf16(bytes: Uint8Array, off: number, count: number): string {
  if (count <= 24) {
    let s = '';
    for (let i = 0; i < count; i++) {
      const u = bytes[off + 2 * i] | (bytes[off + 2 * i + 1] << 8);
      if (u >= 0xd800 && u <= 0xdfff) return utf16.decode(bytes.subarray(off, off + 2 * count));
      s += String.fromCharCode(u);
    }
    return s;
  }
  return utf16.decode(bytes.subarray(off, off + 2 * count));
}

/** Number of UTF-16 units before the first NUL unit in [off, off + 2*maxUnits). */
export function utf16Length(bytes: Uint8Array, off: number, maxUnits: number): number {
  for (let i = 0; i < maxUnits; i++) {
    if (bytes[off + 2 * i] === 0 && bytes[off + 2 * i + 1] === 0) return i;
  }
  return maxUnits;
}

/** Codepage text (windows-1252, the usual ANSI page) with NUL bytes removed. */
export function decodeAnsi(bytes: Uint8Array, off: number, size: number): string {
  let end = off + size;
  while (end > off && bytes[end - 1] === 0) end--;
  let text = '';
  for (let i = off; i < end; i++) {
    const b = bytes[i];
    if (b === 0) continue;
    text += b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
  }
  return text;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** Upper-case hex of bytes[off, off+size), no separators. */
export function hexUpper(bytes: Uint8Array, off: number, size: number): string {
  let s = '';
  for (let i = 0; i < size; i++) s += HEX[bytes[off + i]];
  return s;
}

/** true when every byte in [start, end) is zero. */
export function isAllZero(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Unsigned 64-bit little-endian value as exact decimal text. */
export function u64Text(view: DataView, off: number): string {
  const lo = view.getUint32(off, true);
  const hi = view.getUint32(off + 4, true);
  if (hi < 0x200000) return String(hi * 0x100000000 + lo);
  return view.getBigUint64(off, true).toString();
}

/** Signed 64-bit little-endian value as exact decimal text. */
export function i64Text(view: DataView, off: number): string {
  const hi = view.getInt32(off + 4, true);
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * 0x100000000 + view.getUint32(off, true));
  return view.getBigInt64(off, true).toString();
}

/** Unsigned 64-bit value as a JS number (exact up to 2^53). */
export function u64Number(view: DataView, off: number): number {
  return view.getUint32(off + 4, true) * 0x100000000 + view.getUint32(off, true);
}

/** Unsigned 64-bit value as lower-case hex `0x…` without padding. */
export function u64Hex(view: DataView, off: number): string {
  const lo = view.getUint32(off, true);
  const hi = view.getUint32(off + 4, true);
  if (hi === 0) return '0x' + lo.toString(16);
  return '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
}
