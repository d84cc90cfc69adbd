/**
 * Event times as exports write them, turned into epoch milliseconds UTC.
 *
 * A time written with `Z` or an offset (`+01:00`, `+0100`, Fluent Bit's ` +0900`) is honoured as
 * written. A time without one is wall-clock time of an IANA zone, resolved through Intl so that
 * daylight saving time is right on both sides of a change. parseLocalTime resolves an ambiguous
 * wall time (the repeated hour in autumn) to the earlier instant and moves a time inside the spring
 * gap forward by the gap (the rule Temporal calls "compatible"); readEventTime, used for event
 * times, keeps both instants of an ambiguous one (local-times.ts picks the one that keeps the log's
 * order) and refuses a skipped one.
 */
import { BadTimezoneError } from './errors.js';

/** Wall-clock fields of a time as written; `offsetMinutes` only when the text carried one. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offsetMinutes?: number;
}

/** The machine's IANA zone ('UTC' when the runtime cannot tell). */
export function defaultTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new BadTimezoneError(timezone);
    }
    formatters.set(timezone, f);
  }
  return f;
}

/** true when `timezone` is an IANA name this runtime knows. */
export function isValidTimezone(timezone: string): boolean {
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

const QUARTER_HOUR = 15 * 60_000;
const offsetCache = new Map<string, number>();

/**
 * Offset of `timezone` from UTC at instant `utcMs`, in ms (Berlin in summer: +7 200 000).
 * Zone changes happen on quarter-hour boundaries, so the answer is cached per quarter hour.
 */
export function zoneOffsetAt(utcMs: number, timezone: string): number {
  const key = `${timezone}|${Math.floor(utcMs / QUARTER_HOUR)}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const parts = formatterFor(timezone).formatToParts(new Date(utcMs));
  const field = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  const offset = asUtc - (utcMs - (((utcMs % 1000) + 1000) % 1000));
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/** The instant at which the wall-clock time `wallMs` (fields encoded as if UTC) occurs in `timezone`. */
export function wallToUtc(wallMs: number, timezone: string): number {
  return wallInstants(wallMs, timezone).time;
}

/**
 * The instants of a wall-clock time in a zone: `time` the earlier (or only) one; `later` the second
 * one of a wall time that occurs twice (the repeated hour when daylight saving ends); `gap` for a
 * wall time the clocks skipped (spring forward), whose `time` reads it with the offset in force
 * before the change (moving it forward by the gap).
 */
export function wallInstants(wallMs: number, timezone: string): { time: number; later?: number; gap?: true } {
  const before = zoneOffsetAt(wallMs - 12 * 3_600_000, timezone);
  const after = zoneOffsetAt(wallMs + 12 * 3_600_000, timezone);
  const early = wallMs - before;
  if (before === after) return { time: early };
  const late = wallMs - after;
  const earlyOk = early + zoneOffsetAt(early, timezone) === wallMs;
  const lateOk = late + zoneOffsetAt(late, timezone) === wallMs;
  if (earlyOk && lateOk) return early === late ? { time: early } : { time: Math.min(early, late), later: Math.max(early, late) };
  if (earlyOk) return { time: early };
  if (lateOk) return { time: late };
  return { time: early, gap: true };
}

const ISO_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
const YMD_SLASH_RE = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([AaPp]\.?[Mm]\.?)?)?$/;
const DMY_OR_MDY_RE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([AaPp]\.?[Mm]\.?)?)?$/;

function fractionToMs(digits: string | undefined): number {
  if (!digits) return 0;
  return Math.floor(Number(`0.${digits}`) * 1000 + 1e-6);
}

function hour12(hour: number, marker: string | undefined): number {
  if (!marker) return hour;
  const pm = marker[0] === 'p' || marker[0] === 'P';
  if (hour === 12) return pm ? 12 : 0;
  return pm ? hour + 12 : hour;
}

function parseOffset(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t = text.toUpperCase();
  if (t === 'Z' || t === 'UTC' || t === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * Reads the wall-clock fields of the time formats seen in exports:
 * ISO 8601 / RFC 3339 (any number of fraction digits, `T` or space, optional offset),
 * `2017/11/18 15:35:24` (year first), en-US `11/20/2026 9:05:00 AM` (month first when an
 * AM/PM marker is present), day-first `20/11/2026 09:05:00` and de-DE `20.11.2026 09:05:00`.
 * A slash date without AM/PM is read day first unless the second number cannot be a month.
 */
export function parseWallTime(text: string): WallTime | null {
  const s = text.trim();
  let m = ISO_RE.exec(s);
  if (m) {
    const offsetMinutes = parseOffset(m[8]);
    if (m[8] && offsetMinutes === undefined) return null;
    return checked({
      year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
      hour: Number(m[4] ?? 0), minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0),
      millisecond: fractionToMs(m[7]), offsetMinutes,
    });
  }
  m = YMD_SLASH_RE.exec(s);
  if (m) {
    return checked({
      year: Number(m[1]), month: Number(m[2]), day: Number(m[3]),
      hour: hour12(Number(m[4] ?? 0), m[8]), minute: Number(m[5] ?? 0), second: Number(m[6] ?? 0),
      millisecond: fractionToMs(m[7]),
    });
  }
  m = DMY_OR_MDY_RE.exec(s);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const separator = m[2];
    const marker = m[9];
    // en-US writes month first with AM/PM; dotted and 24-hour slash dates are day first.
    let monthFirst = separator === '/' && marker !== undefined;
    if (monthFirst && a > 12 && b <= 12) monthFirst = false;
    if (!monthFirst && b > 12 && a <= 12) monthFirst = true;
    return checked({
      year: Number(m[4]), month: monthFirst ? a : b, day: monthFirst ? b : a,
      hour: hour12(Number(m[5] ?? 0), marker), minute: Number(m[6] ?? 0), second: Number(m[7] ?? 0),
      millisecond: fractionToMs(m[8]),
    });
  }
  return null;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checked(w: WallTime): WallTime | null {
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.day > 31) return null;
  if (w.hour > 23 || w.minute > 59 || w.second > 60) return null;
  if (w.day > daysInMonth(w.year, w.month)) return null; // 31 February and the like
  return w;
}

/** .NET JSON dates: `/Date(1595374458918)/`, `/Date(1595374458918+0200)/` (the ms are UTC either way). */
const MS_DATE_RE = /^\\?\/Date\((-?\d+)(?:[+-]\d{4})?\)\\?\/$/;

/**
 * Epoch ms UTC of `text`; wall times without an offset are local to `timezone` (IANA name).
 * Returns null when the text is no time this module knows. Throws BadTimezoneError for an
 * unknown zone.
 */
export function parseLocalTime(text: string, timezone: string): number | null {
  const utc = parseCanonicalUtc(text);
  if (utc !== null) return utc;
  return parseTimeText(text, timezone);
}

/** Value of the two decimal digits at s[i], or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The one form most exports use for event times, `2025-01-06T00:02:24[.fraction]Z` (XML SystemTime,
 * Winlogbeat @timestamp, OpenWEC), read without regexes; null for any other text, which then takes
 * the general path. Gives exactly what the general path gives for the same text.
 */
export function parseCanonicalUtc(s: string): number | null {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 0x5a /* Z */) return null;
  if (s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d || s.charCodeAt(10) !== 0x54 /* T */) return null;
  if (s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a) return null;
  const century = twoDigits(s, 0);
  const yy = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  const second = twoDigits(s, 17);
  if (century < 0 || yy < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
  let millisecond = 0;
  if (n > 20) {
    // `.` and at least one digit, then only digits up to the Z.
    if (s.charCodeAt(19) !== 0x2e || n < 22) return null;
    let zeros = true;
    for (let i = 20; i < n - 1; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      if (c !== 48) zeros = false;
    }
    if (!zeros) millisecond = fractionToMs(s.slice(20, n - 1));
  }
  const w = checked({ year: century * 100 + yy, month, day, hour, minute, second, millisecond });
  if (!w) return null;
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, Math.min(w.second, 59), w.millisecond);
}

/** An event time as a reader stores it (RawEvent.time, timeZone, timeLater). */
export interface EventTime {
  time: number;
  /** Set when the text was a wall-clock time without an offset, read in this zone. */
  timeZone?: string;
  /** The second instant of a wall time that occurs twice in the zone. */
  timeLater?: number;
}

/**
 * An export's event time: like parseLocalTime, and says whether the text was read as wall-clock
 * time in `timezone` and whether that wall time occurs twice there. A wall time the clocks
 * skipped is no time of that zone: the reason, as a string (the reader reports it as a problem).
 * null when the text is no time this module knows.
 */
export function readEventTime(text: string, timezone: string): EventTime | string | null {
  const utc = parseCanonicalUtc(text);
  if (utc !== null) return { time: utc };
  const s = text.trim();
  const ms = MS_DATE_RE.exec(s);
  if (ms) return { time: Number(ms[1]) };
  const w = parseWallTime(s);
  if (!w) return null;
  const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, Math.min(w.second, 59), w.millisecond);
  if (w.offsetMinutes !== undefined) return { time: wallMs - w.offsetMinutes * 60_000 };
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return { time: wallMs, timeZone: timezone };
  const at = wallInstants(wallMs, timezone);
  if (at.gap) {
    return `time "${s}" does not exist in ${timezone}: the clocks skipped it when daylight saving time began (is --timezone the zone of the host that wrote the export?)`;
  }
  return at.later === undefined ? { time: at.time, timeZone: timezone } : { time: at.time, timeZone: timezone, timeLater: at.later };
}

/** Copies an EventTime onto a RawEvent-like object. */
export function setEventTime(ev: { time: number; timeZone?: string; timeLater?: number }, t: EventTime): void {
  ev.time = t.time;
  if (t.timeZone !== undefined) ev.timeZone = t.timeZone;
  if (t.timeLater !== undefined) ev.timeLater = t.timeLater;
}

/** parseLocalTime without the fast path for canonical UTC times. */
export function parseTimeText(text: string, timezone: string): number | null {
  const s = text.trim();
  const ms = MS_DATE_RE.exec(s);
  if (ms) return Number(ms[1]);
  const w = parseWallTime(s);
  if (!w) return null;
  const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, Math.min(w.second, 59), w.millisecond);
  if (w.offsetMinutes !== undefined) return wallMs - w.offsetMinutes * 60_000;
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return wallMs;
  return wallToUtc(wallMs, timezone);
}
