/**
 * Substitution values → UTF-8 bytes, written straight from the chunk bytes: the byte twins of
 * binxml/values.ts `formatScalar` plus the escaping of render/xml.ts and render/json.ts, with the
 * same output (test/evtx/value-bytes.test.ts compares them value by value). Every writer takes the
 * output array and position and returns the new position; the caller has made room (at most
 * 6 bytes per value byte, plus a few).
 */
import { CP1252_HIGH, i64Text, u64Text } from '../bytes.js';
import { dayText, formatFileTime, formatScalar, formatSid } from '../binxml/values.js';
import { VT } from '../binxml/value-types.js';
import { writeAscii, writeUtf8 } from './byte-out.js';
import { typedJson } from './json.js';
import { escapeAttribute, escapeText } from './xml.js';

/** Escaping of string values: XML text, XML attribute, JSON string content. */
export const ESC_XML_TEXT = 0;
export const ESC_XML_ATTR = 1;
export const ESC_JSON = 2;

/**
 * Per mode, the replacement bytes of each ASCII character (length 0 = written as is), derived
 * from the string escapers themselves so the two paths cannot drift apart.
 */
const ESC_LEN = new Uint8Array(3 * 128);
const ESC_BYTES = new Uint8Array(3 * 128 * 8);
for (let mode = 0; mode < 3; mode++) {
  for (let u = 0; u < 128; u++) {
    const ch = String.fromCharCode(u);
    const esc = mode === ESC_XML_TEXT ? escapeText(ch) : mode === ESC_XML_ATTR ? escapeAttribute(ch) : JSON.stringify(ch).slice(1, -1);
    if (esc === ch) continue;
    ESC_LEN[mode * 128 + u] = writeUtf8(ESC_BYTES, (mode * 128 + u) * 8, esc) - (mode * 128 + u) * 8;
  }
}

/** UTF-8 of one BMP code unit that is not a surrogate; XML cannot carry U+FFFE/U+FFFF (xml.ts). */
function unit(out: Uint8Array, p: number, u: number, mode: number): number {
  if (u < 0x80) {
    const n = ESC_LEN[mode * 128 + u];
    if (n === 0) out[p++] = u;
    else for (let k = 0, e = (mode * 128 + u) * 8; k < n; k++) out[p++] = ESC_BYTES[e + k];
  } else if (u < 0x800) {
    out[p++] = 0xc0 | (u >> 6);
    out[p++] = 0x80 | (u & 0x3f);
  } else {
    if (u >= 0xfffe && mode !== ESC_JSON) u = 0xfffd;
    out[p++] = 0xe0 | (u >> 12);
    out[p++] = 0x80 | ((u >> 6) & 0x3f);
    out[p++] = 0x80 | (u & 0x3f);
  }
  return p;
}

function hasSurrogate(bytes: Uint8Array, off: number, end: number): boolean {
  for (let i = off + 1; i < end; i += 2) if ((bytes[i] & 0xf8) === 0xd8) return true;
  return false;
}

/**
 * A UTF-16LE string value (up to its first NUL unit, as `formatScalar`) escaped for `mode`.
 * Mirrors bytes.ts `decodeUtf16`: lone surrogates become U+FFFD, and a leading BOM is dropped
 * exactly when that function hands the text to TextDecoder (more than 24 units, or a surrogate).
 */
export function writeUtf16(out: Uint8Array, p: number, bytes: Uint8Array, off: number, size: number, mode: number): number {
  let i = off;
  let end = off + (size & ~1);
  if (size >= 2 && bytes[off] === 0xff && bytes[off + 1] === 0xfe) {
    let units = 0;
    while (off + 2 * units < end && (bytes[off + 2 * units] | bytes[off + 2 * units + 1]) !== 0) units++;
    end = off + 2 * units;
    if (units > 24 || hasSurrogate(bytes, off, end)) i += 2;
  }
  const base = mode * 128;
  for (; i < end; i += 2) {
    const u = bytes[i] | (bytes[i + 1] << 8);
    if (u < 0x80) {
      if (u === 0) break;
      const n = ESC_LEN[base + u];
      if (n === 0) out[p++] = u;
      else for (let k = 0, e = (base + u) * 8; k < n; k++) out[p++] = ESC_BYTES[e + k];
    } else if (u < 0x800) {
      out[p++] = 0xc0 | (u >> 6);
      out[p++] = 0x80 | (u & 0x3f);
    } else if (u < 0xd800 || u > 0xdfff) {
      p = unit(out, p, u, mode);
    } else {
      const next = i + 3 < end ? bytes[i + 2] | (bytes[i + 3] << 8) : 0;
      if (u <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((u - 0xd800) << 10) + (next - 0xdc00);
        out[p++] = 0xf0 | (cp >> 18);
        out[p++] = 0x80 | ((cp >> 12) & 0x3f);
        out[p++] = 0x80 | ((cp >> 6) & 0x3f);
        out[p++] = 0x80 | (cp & 0x3f);
        i += 2;
      } else {
        out[p++] = 0xef;
        out[p++] = 0xbf;
        out[p++] = 0xbd;
      }
    }
  }
  return p;
}

const CP1252 = Array.from({ length: 32 }, (_, i) => CP1252_HIGH.charCodeAt(i));

/** An ANSI (windows-1252) string value escaped for `mode`, NUL bytes dropped (bytes.ts `decodeAnsi`). */
export function writeAnsi(out: Uint8Array, p: number, bytes: Uint8Array, off: number, size: number, mode: number): number {
  for (let i = off, end = off + size; i < end; i++) {
    const b = bytes[i];
    if (b === 0) continue;
    p = unit(out, p, b >= 0x80 && b < 0xa0 ? CP1252[b - 0x80] : b, mode);
  }
  return p;
}

function decimalLength(n: number): number {
  return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
}

/** Decimal digits of a non-negative integer below 2^31. */
function digits31(out: Uint8Array, p: number, n: number): number {
  const len = decimalLength(n);
  for (let i = p + len - 1; i > p; i--) {
    const q = (n / 10) | 0;
    out[i] = 48 + n - q * 10;
    n = q;
  }
  out[p] = 48 + n;
  return p + len;
}

/** Decimal text of an integer (`String(n)`). */
export function writeInt(out: Uint8Array, p: number, n: number): number {
  // `| 0`: values read as doubles (u32, u64 halves) reach digits31 as small integers, which keeps its optimised code.
  if (n >= 0 && n < 0x80000000) return digits31(out, p, n | 0);
  if (n < 0 && n > -0x80000000) {
    out[p++] = 45;
    return digits31(out, p, -n | 0);
  }
  return writeAscii(out, p, String(n));
}

/** Decimal digits of `n` padded with zeros to `min` digits (`String(n).padStart(min, '0')`, n < 2^31). */
function padded(out: Uint8Array, p: number, n: number, min: number): number {
  for (let k = decimalLength(n); k < min; k++) out[p++] = 48;
  return digits31(out, p, n);
}

const HEX_LOWER = new Uint8Array([...'0123456789abcdef'].map((c) => c.charCodeAt(0)));
const HEX_UPPER = new Uint8Array([...'0123456789ABCDEF'].map((c) => c.charCodeAt(0)));

/** Lower-case hex digits of a u32 from bit `shift` down (28: all 8 digits). */
function hexDigits(out: Uint8Array, p: number, n: number, shift: number): number {
  for (; shift >= 0; shift -= 4) out[p++] = HEX_LOWER[(n >>> shift) & 15];
  return p;
}

/** Shift of a u32's top hex digit (`n.toString(16)` has no leading zeros). */
function topShift(n: number): number {
  let shift = 28;
  while (shift > 0 && (n >>> shift) === 0) shift -= 4;
  return shift;
}

function u32(bytes: Uint8Array, off: number): number {
  return (bytes[off] | (bytes[off + 1] << 8) | (bytes[off + 2] << 16) | (bytes[off + 3] << 24)) >>> 0;
}

/** `0x…` of a u32. */
export function writeHex32(out: Uint8Array, p: number, bytes: Uint8Array, off: number): number {
  const n = u32(bytes, off);
  out[p++] = 48;
  out[p++] = 120;
  return hexDigits(out, p, n, topShift(n));
}

/** `0x…` of a u64 (bytes.ts `u64Hex`). */
export function writeHex64(out: Uint8Array, p: number, bytes: Uint8Array, off: number): number {
  const lo = u32(bytes, off);
  const hi = u32(bytes, off + 4);
  out[p++] = 48;
  out[p++] = 120;
  if (hi === 0) return hexDigits(out, p, lo, topShift(lo));
  p = hexDigits(out, p, hi, topShift(hi));
  return hexDigits(out, p, lo, 28);
}

/** Upper-case hex of bytes[off, off+size). */
export function writeHexBytes(out: Uint8Array, p: number, bytes: Uint8Array, off: number, size: number): number {
  for (let i = off, end = off + size; i < end; i++) {
    const b = bytes[i];
    out[p++] = HEX_UPPER[b >> 4];
    out[p++] = HEX_UPPER[b & 15];
  }
  return p;
}

/** Bytes of a GUID in text order: Data1-3 little-endian, then Data4 as stored. */
const GUID_ORDER = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15];

export function writeGuid(out: Uint8Array, p: number, bytes: Uint8Array, off: number): number {
  out[p++] = 123; // {
  for (let k = 0; k < GUID_ORDER.length; k++) {
    const i = GUID_ORDER[k];
    if (i < 0) {
      out[p++] = 45; // -
      continue;
    }
    const b = bytes[off + i];
    out[p++] = HEX_UPPER[b >> 4];
    out[p++] = HEX_UPPER[b & 15];
  }
  out[p++] = 125; // }
  return p;
}

/** The last date written, as bytes: consecutive records nearly always share the day. */
let lastDay = -1;
const lastDate = new Uint8Array(10);

/** Two digits of n < 100. */
function two(out: Uint8Array, p: number, n: number): void {
  const t = (n / 10) | 0;
  out[p] = 48 + t;
  out[p + 1] = 48 + n - 10 * t;
}

/** FILETIME → `2021-05-03T08:58:25.9210336Z` (values.ts `formatFileTime`, same arithmetic). */
export function writeFileTime(out: Uint8Array, p: number, bytes: Uint8Array, view: DataView, off: number): number {
  const lo = u32(bytes, off);
  const hi = u32(bytes, off + 4);
  const rest = hi * 4967296 + lo;
  const secs = hi * 429 + Math.floor(rest / 1e7);
  let frac = rest % 1e7;
  const day = Math.floor(secs / 86400);
  if (day !== lastDay && !cacheDay(day)) return writeAscii(out, p, formatFileTime(view, off));
  for (let k = 0; k < 10; k++) out[p + k] = lastDate[k];
  const s = secs - day * 86400;
  out[p + 10] = 84; // T
  two(out, p + 11, Math.floor(s / 3600));
  out[p + 13] = 58;
  two(out, p + 14, Math.floor(s / 60) % 60);
  out[p + 16] = 58;
  two(out, p + 17, s % 60);
  out[p + 19] = 46;
  for (let k = p + 26; k > p + 19; k--) {
    const q = Math.floor(frac / 10);
    out[k] = 48 + frac - 10 * q;
    frac = q;
  }
  out[p + 27] = 90; // Z
  return p + 28;
}

/** Makes `day` the cached date; false for dates that are not 10 characters (years past 9999). */
function cacheDay(day: number): boolean {
  const text = dayText(day);
  if (text.length !== 10) return false;
  writeAscii(lastDate, 0, text);
  lastDay = day;
  return true;
}

/** SYSTEMTIME → `2017-04-21T07:41:17.003Z` (values.ts `formatSystemTime`). */
export function writeSystemTime(out: Uint8Array, p: number, bytes: Uint8Array, off: number): number {
  const g = (i: number) => bytes[off + 2 * i] | (bytes[off + 2 * i + 1] << 8);
  p = padded(out, p, g(0), 4);
  out[p++] = 45;
  p = padded(out, p, g(1), 2);
  out[p++] = 45;
  p = padded(out, p, g(3), 2);
  out[p++] = 84;
  p = padded(out, p, g(4), 2);
  out[p++] = 58;
  p = padded(out, p, g(5), 2);
  out[p++] = 58;
  p = padded(out, p, g(6), 2);
  out[p++] = 46;
  p = padded(out, p, g(7), 3);
  out[p++] = 90;
  return p;
}

/** SID text (values.ts `formatSid`); the caller has checked that the bytes hold one. */
export function writeSid(out: Uint8Array, p: number, bytes: Uint8Array, view: DataView, off: number, size: number): number {
  if (bytes[off + 2] !== 0 || bytes[off + 3] !== 0) return writeAscii(out, p, formatSid(bytes, view, off, size) as string);
  out[p++] = 83; // S
  out[p++] = 45;
  p = digits31(out, p, bytes[off]);
  out[p++] = 45;
  p = writeInt(out, p, view.getUint32(off + 4, false));
  for (let i = 0, n = bytes[off + 1]; i < n; i++) {
    out[p++] = 45;
    p = writeInt(out, p, u32(bytes, off + 8 + 4 * i));
  }
  return p;
}

export function writeBool(out: Uint8Array, p: number, value: boolean): number {
  return writeAscii(out, p, value ? 'true' : 'false');
}

/** 64-bit integers: exact text; in JSON a number while exact (|n| < 2^53), else a string (json.ts `typedJson`). */
export function writeUInt64(out: Uint8Array, p: number, view: DataView, off: number, json: boolean): number {
  const hi = view.getUint32(off + 4, true);
  if (hi < 0x200000) return writeInt(out, p, hi * 0x100000000 + view.getUint32(off, true));
  const text = u64Text(view, off);
  return writeAscii(out, p, json ? typedJson(text, VT.UInt64) : text);
}

export function writeInt64(out: Uint8Array, p: number, view: DataView, off: number, json: boolean): number {
  const hi = view.getInt32(off + 4, true);
  if (hi >= -0x200000 && hi < 0x200000) return writeInt(out, p, hi * 0x100000000 + view.getUint32(off, true));
  const text = i64Text(view, off);
  return writeAscii(out, p, json ? typedJson(text, VT.Int64) : text);
}

/** Any other scalar through its text (rare types: reals). */
export function writeViaText(out: Uint8Array, p: number, bytes: Uint8Array, view: DataView, type: number, off: number, size: number, json: boolean): number {
  const text = formatScalar(bytes, view, type, off, size) as string;
  return writeAscii(out, p, json ? typedJson(text, type) : text);
}
