/**
 * The insertion strings of a 12290 request straight as the EVTX string-array value (UTF-16LE, each
 * string ending in a NUL code unit), without building the strings first: the simulator writes
 * millions of them, and building, flattening and re-encoding ~260 characters per request was the
 * largest cost of a large run. Numbers and times come from small tables, only the machine name and
 * CMID are encoded character by character.
 *
 * Layout (kms-events.md §1.2): Info = the nine fields joined by ',', then the nine fields. Info plus
 * its NUL has exactly the bytes of the nine fields with their NULs, except that the eight inner
 * NULs are commas: the fields are written once, copied in front, and the copy's separators patched.
 */
import type { RequestFields } from './events.js';

const SCRATCH_BYTES = 16 * 1024;
const scratch = new Uint8Array(SCRATCH_BYTES);
/** Field bytes go to the second half of the scratch, the Info copy right before them. */
const FIELDS_AT = SCRATCH_BYTES / 2;

const DAY_MS = 86_400_000;
/** `yyyy/M/d ` of the last day asked for (requests come in time order), as UTF-16LE. */
let memoDay = NaN;
let memoDayBytes: Uint8Array = new Uint8Array(0);

/** Small caches of encoded strings that repeat (HRESULTs, Activation IDs); bounded, so odd input cannot grow them. */
const CACHE_LIMIT = 256;
const resultBytes = new Map<number, Uint8Array | null>();
const guidBytes = new Map<string, Uint8Array | null>();

/** UTF-16LE of a string; null when it holds a NUL (the writer's own encoder then refuses it). */
function encode(s: string): Uint8Array | null {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return null;
    out[2 * i] = c;
    out[2 * i + 1] = c >>> 8;
  }
  return out;
}

function cached<K>(cache: Map<K, Uint8Array | null>, key: K, text: () => string): Uint8Array | null {
  let b = cache.get(key);
  if (b === undefined) {
    b = encode(text());
    if (cache.size < CACHE_LIMIT) cache.set(key, b);
  }
  return b;
}

// The put* functions write at `at` and return the position after, or -1 when the value cannot be
// carried (a NUL, no room); given -1 they return -1, so a chain of them needs one check at the end.

function putString(s: string, at: number): number {
  if (at < 0 || at + s.length * 2 > SCRATCH_BYTES) return -1;
  const b = scratch;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return -1;
    b[at] = c;
    b[at + 1] = c >>> 8;
    at += 2;
  }
  return at;
}

function putBytes(bytes: Uint8Array | null, at: number): number {
  if (at < 0 || bytes === null || at + bytes.length > SCRATCH_BYTES) return -1;
  scratch.set(bytes, at);
  return at + bytes.length;
}

/** A whole number as `String(n)` would write it. */
function putNumber(n: number, at: number): number {
  if (at < 0) return -1;
  if (!(Number.isInteger(n) && n >= 0 && n < 1e15)) return putString(String(n), at);
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  if (at + digits * 2 > SCRATCH_BYTES) return -1;
  let p = at + digits * 2;
  let x = n;
  do {
    p -= 2;
    scratch[p] = 0x30 + (x % 10);
    scratch[p + 1] = 0;
    x = Math.floor(x / 10);
  } while (x > 0);
  return at + digits * 2;
}

/** Client time `yyyy/M/d H:mm` (UTC), as clientTimeText() writes it. */
function putClientTime(ms: number, at: number): number {
  if (at < 0 || !Number.isFinite(ms)) return -1;
  const day = Math.floor(ms / DAY_MS);
  if (day !== memoDay) {
    const d = new Date(day * DAY_MS);
    const text = `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} `;
    const bytes = encode(text);
    if (bytes === null) return -1;
    memoDayBytes = bytes;
    memoDay = day;
  }
  at = putBytes(memoDayBytes, at);
  if (at < 0 || at + 10 > SCRATCH_BYTES) return -1;
  const inDay = ms - day * DAY_MS;
  const hour = Math.floor(inDay / 3_600_000);
  const minute = Math.floor((inDay - hour * 3_600_000) / 60_000);
  at = putNumber(hour, at);
  scratch[at] = 0x3a; // ':'
  scratch[at + 1] = 0;
  scratch[at + 2] = 0x30 + Math.floor(minute / 10);
  scratch[at + 3] = 0;
  scratch[at + 4] = 0x30 + (minute % 10);
  scratch[at + 5] = 0;
  return at + 6;
}

function putNul(at: number): number {
  if (at < 0 || at + 2 > SCRATCH_BYTES) return -1;
  scratch[at] = 0;
  scratch[at + 1] = 0;
  return at + 2;
}

/**
 * The ten insertion strings of a request (Info, then fields 1-9) as the string-array value; a view
 * into a shared buffer, valid until the next call. null when a field cannot be carried (a NUL in a
 * name, a value too long): the caller then lets the writer encode the strings (and refuse them).
 */
export function encodeRequestData(f: RequestFields, hresultText: (code: number) => string): Uint8Array | null {
  const ends = fieldEnds;
  let at = FIELDS_AT;
  at = ends[0] = putNul(putBytes(cached(resultBytes, f.result, () => hresultText(f.result)), at));
  at = ends[1] = putNul(putNumber(f.minimumCount, at));
  at = ends[2] = putNul(putString(f.machine, at));
  at = ends[3] = putNul(putString(f.cmid, at));
  at = ends[4] = putNul(putClientTime(f.clientTime, at));
  at = ends[5] = putNul(putNumber(f.isVm ? 1 : 0, at));
  at = ends[6] = putNul(putNumber(f.licenseState, at));
  at = ends[7] = putNul(putNumber(f.minutesLeft, at));
  at = putNul(putBytes(cached(guidBytes, f.activationId, () => f.activationId), at));
  if (at < 0) return null;
  const start = FIELDS_AT - (at - FIELDS_AT);
  scratch.copyWithin(start, FIELDS_AT, at);
  // ends[i]: just after field i's NUL; in the Info copy that NUL becomes a comma.
  for (let i = 0; i < 8; i++) scratch[start + (ends[i] - 2 - FIELDS_AT)] = 0x2c;
  return scratch.subarray(start, at);
}

const fieldEnds = new Int32Array(8);
