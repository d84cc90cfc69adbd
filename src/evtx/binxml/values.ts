/**
 * Typed substitution values → text, following Windows' own rendering (evtx-format.md §1.7, §4):
 * GUIDs upper case in braces, HexInt lower case unpadded, Binary upper-case hex, FILETIME with
 * 7 fractional digits (100 ns, the precision stored; what current Windows prints), SYSTEMTIME with
 * milliseconds, Bool `true`/`false` (any non-zero is true), 64-bit integers exact.
 */
import { decodeAnsi, decodeUtf16, hexUpper, i64Text, u64Hex, u64Text, utf16Length } from '../bytes.js';
import { FIXED_WIDTH, VT } from './value-types.js';

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

const dayCache = new Map<number, string>();
const TWO = Array.from({ length: 60 }, (_, i) => (i < 10 ? '0' : '') + i);

/** `YYYY-MM-DD` of a day number since 1601-01-01 UTC (cached: records of a chunk share few days). */
export function dayText(day: number): string {
  let date = dayCache.get(day);
  if (date === undefined) {
    const d = new Date((day * 86400 - 11644473600) * 1000);
    date = isNaN(d.getTime()) ? '0000-00-00' : d.toISOString().slice(0, d.toISOString().indexOf('T'));
    if (dayCache.size > 4096) dayCache.clear();
    dayCache.set(day, date);
  }
  return date;
}

/** `YYYY-MM-DDTHH:MM:SS` for whole seconds since 1601-01-01 UTC. */
function isoSeconds(secs1601: number): string {
  const day = Math.floor(secs1601 / 86400);
  const date = dayText(day);
  const s = secs1601 - day * 86400;
  return date + 'T' + TWO[Math.floor(s / 3600)] + ':' + TWO[Math.floor(s / 60) % 60] + ':' + TWO[s % 60];
}

/** FILETIME (u64 100-ns ticks since 1601) → `2021-05-03T08:58:25.9210336Z`. Exact. */
export function formatFileTime(view: DataView, off: number): string {
  const lo = view.getUint32(off, true);
  const hi = view.getUint32(off + 4, true);
  // ticks = hi*2^32 + lo, with 2^32 = 429*10^7 + 4967296; every partial product stays below 2^53.
  const rest = hi * 4967296 + lo;
  const secs = hi * 429 + Math.floor(rest / 1e7);
  const frac = rest % 1e7;
  // frac < 10^7: adding 10^7 and dropping the leading 1 pads it to 7 digits.
  return isoSeconds(secs) + '.' + String(frac + 10000000).slice(1) + 'Z';
}

/** FILETIME → epoch milliseconds (UTC), truncated. */
export function fileTimeToEpochMs(view: DataView, off: number): number {
  const lo = view.getUint32(off, true);
  const hi = view.getUint32(off + 4, true);
  return Math.floor((hi * 4294967296 + lo) / 1e4) - 11644473600000;
}

export function formatSystemTime(view: DataView, off: number): string {
  const g = (i: number) => view.getUint16(off + 2 * i, true);
  const y = String(g(0)).padStart(4, '0');
  return `${y}-${pad2(g(1))}-${pad2(g(3))}T${pad2(g(4))}:${pad2(g(5))}:${pad2(g(6))}.${String(g(7)).padStart(3, '0')}Z`;
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

export function formatGuid(bytes: Uint8Array, _view: DataView, off: number): string {
  const h = (i: number) => HEX2[bytes[off + i]];
  return '{' + h(3) + h(2) + h(1) + h(0) + '-' + h(5) + h(4) + '-' + h(7) + h(6) + '-' + h(8) + h(9) + '-' +
    h(10) + h(11) + h(12) + h(13) + h(14) + h(15) + '}';
}

/** SID: revision, sub-authority count, 48-bit big-endian authority, n little-endian u32. */
export function formatSid(bytes: Uint8Array, view: DataView, off: number, size: number): string | null {
  if (size < 8) return null;
  const n = bytes[off + 1];
  if (8 + 4 * n > size) return null;
  const authHi = view.getUint16(off + 2, false);
  const authLo = view.getUint32(off + 4, false);
  const auth = authHi === 0 ? String(authLo) : '0x' + hexUpper(bytes, off + 2, 6);
  let s = `S-${bytes[off]}-${auth}`;
  for (let i = 0; i < n; i++) s += '-' + view.getUint32(off + 8 + 4 * i, true);
  return s;
}

function formatReal(x: number): string {
  return String(x);
}

/**
 * One scalar value (type without the array bit) → text. Returns null when the bytes cannot hold
 * the type (size too small): the caller reports that as a bad value.
 */
const WIDTH = new Uint8Array(256);
for (const [t, w] of Object.entries(FIXED_WIDTH)) WIDTH[Number(t)] = w;

export function formatScalar(bytes: Uint8Array, view: DataView, type: number, off: number, size: number): string | null {
  if (size < WIDTH[type & 0xff]) return null;
  switch (type) {
    case VT.Null:
      return '';
    case VT.String:
      return decodeUtf16(bytes, off, utf16Length(bytes, off, size >> 1));
    case VT.AnsiString:
      return decodeAnsi(bytes, off, size);
    case VT.Int8:
      return String(view.getInt8(off));
    case VT.UInt8:
      return String(bytes[off]);
    case VT.Int16:
      return String(view.getInt16(off, true));
    case VT.UInt16:
      return String(view.getUint16(off, true));
    case VT.Int32:
      return String(view.getInt32(off, true));
    case VT.UInt32:
      return String(view.getUint32(off, true));
    case VT.Int64:
      return i64Text(view, off);
    case VT.UInt64:
      return u64Text(view, off);
    case VT.Real32:
      return formatReal(view.getFloat32(off, true));
    case VT.Real64:
      return formatReal(view.getFloat64(off, true));
    case VT.Bool:
      return view.getUint32(off, true) === 0 ? 'false' : 'true';
    case VT.Binary:
      return hexUpper(bytes, off, size);
    case VT.Guid:
      return formatGuid(bytes, view, off);
    case VT.SizeT:
      if (size >= 8) return u64Hex(view, off);
      if (size >= 4) return '0x' + view.getUint32(off, true).toString(16);
      return null;
    case VT.FileTime:
      return formatFileTime(view, off);
    case VT.SystemTime:
      return formatSystemTime(view, off);
    case VT.Sid:
      return formatSid(bytes, view, off, size);
    case VT.HexInt32:
      return '0x' + view.getUint32(off, true).toString(16);
    case VT.HexInt64:
      return u64Hex(view, off);
    default:
      // EvtHandle / EvtXml / unknown: never seen on disk; show the raw bytes rather than lose them.
      return hexUpper(bytes, off, size);
  }
}

/** Items of an array value (type has bit 0x80). Returns null when the bytes do not fit the type. */
export function formatArray(bytes: Uint8Array, view: DataView, type: number, off: number, size: number): string[] | null {
  const base = type & 0x7f;
  const items: string[] = [];
  if (base === VT.String) {
    const units = size >> 1;
    let start = 0;
    for (let i = 0; i < units; i++) {
      const p = off + 2 * i;
      if (bytes[p] === 0 && bytes[p + 1] === 0) {
        items.push(decodeUtf16(bytes, off + 2 * start, i - start));
        start = i + 1;
      }
    }
    if (start < units) items.push(decodeUtf16(bytes, off + 2 * start, units - start));
    return items;
  }
  if (base === VT.AnsiString) {
    let start = 0;
    for (let i = 0; i < size; i++) {
      if (bytes[off + i] === 0) {
        items.push(decodeAnsi(bytes, off + start, i - start));
        start = i + 1;
      }
    }
    if (start < size) items.push(decodeAnsi(bytes, off + start, size - start));
    return items;
  }
  let width = FIXED_WIDTH[base];
  if (base === VT.SizeT) width = 8;
  if (!width) return null;
  if (size % width !== 0) return null;
  for (let p = off; p < off + size; p += width) {
    const s = formatScalar(bytes, view, base, p, width);
    if (s === null) return null;
    items.push(s);
  }
  return items;
}
