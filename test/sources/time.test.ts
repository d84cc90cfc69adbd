import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/sources/errors.js';
import { defaultTimezone, isValidTimezone, parseLocalTime, parseWallTime } from '../../src/sources/time.js';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number => Date.UTC(y, mo - 1, d, h, mi, s, ms);

describe('parseLocalTime across Europe/Berlin DST changes (2026)', () => {
  // 2026: CEST starts Sun 29 March 02:00 CET (= 01:00Z); ends Sun 25 October 03:00 CEST (= 01:00Z).
  const berlin = (t: string): number | null => parseLocalTime(t, 'Europe/Berlin');
  it('before and after the spring change', () => {
    expect(berlin('2026-03-29 01:59:59')).toBe(utc(2026, 3, 29, 0, 59, 59)); // CET +1
    expect(berlin('2026-03-29 03:00:00')).toBe(utc(2026, 3, 29, 1, 0, 0)); // CEST +2
  });
  it('a wall time in the spring gap moves forward by the gap', () => {
    // 02:30 does not exist; read with the offset before the change (+1) → 01:30Z = 03:30 CEST
    expect(berlin('2026-03-29 02:30:00')).toBe(utc(2026, 3, 29, 1, 30));
  });
  it('the repeated autumn hour resolves to the earlier instant', () => {
    expect(berlin('2026-10-25 02:30:00')).toBe(utc(2026, 10, 25, 0, 30)); // first 02:30 is CEST +2
    expect(berlin('2026-10-25 03:00:00')).toBe(utc(2026, 10, 25, 2, 0)); // CET +1
    expect(berlin('2026-10-25 01:59:00')).toBe(utc(2026, 10, 24, 23, 59)); // still CEST
  });
  it('culture formats in winter: de-DE 20.11.2026 09:05:00 → CET → 08:05Z', () => {
    expect(berlin('20.11.2026 09:05:00')).toBe(utc(2026, 11, 20, 8, 5));
    expect(berlin('2026-07-01T12:00:00')).toBe(utc(2026, 7, 1, 10, 0)); // summer: CEST +2
  });
});

describe('culture date formats', () => {
  it('en-US month first with AM/PM (New York: EST, UTC-5, after 1 Nov 2026)', () => {
    const ny = (t: string): number | null => parseLocalTime(t, 'America/New_York');
    expect(ny('11/20/2026 9:05:00 AM')).toBe(utc(2026, 11, 20, 14, 5));
    expect(ny('11/20/2026 12:05:00 AM')).toBe(utc(2026, 11, 20, 5, 5)); // 12 AM = 00h
    expect(ny('11/20/2026 12:05:00 PM')).toBe(utc(2026, 11, 20, 17, 5)); // 12 PM = noon
    expect(ny('10/7/2016 06:38:24 PM')).toBe(utc(2016, 10, 7, 22, 38, 24)); // EDT, UTC-4
  });
  it('year first (Export-Csv sample, ja-JP) and day first 24-hour (en-GB)', () => {
    expect(parseLocalTime('2017/11/18 15:35:24', 'UTC')).toBe(utc(2017, 11, 18, 15, 35, 24));
    expect(parseLocalTime('2015/10/27 17:10', 'UTC')).toBe(utc(2015, 10, 27, 17, 10));
    expect(parseLocalTime('20/11/2026 09:05:00', 'UTC')).toBe(utc(2026, 11, 20, 9, 5));
    // 13 cannot be a month: month-first even without AM/PM
    expect(parseLocalTime('11/13/2026 09:05:00', 'UTC')).toBe(utc(2026, 11, 13, 9, 5));
  });
  it('half-hour zones: Asia/Kolkata is UTC+5:30', () => {
    expect(parseLocalTime('2026-01-01 05:30:00', 'Asia/Kolkata')).toBe(utc(2026, 1, 1, 0, 0));
  });
  it('impossible dates and non-dates → null', () => {
    expect(parseLocalTime('31.02.2026 10:00:00', 'UTC')).toBeNull();
    expect(parseLocalTime('2026-13-01 10:00:00', 'UTC')).toBeNull();
    expect(parseLocalTime('29.02.2026 10:00:00', 'UTC')).toBeNull(); // 2026 is no leap year
    expect(parseLocalTime('29.02.2024 10:00:00', 'UTC')).toBe(utc(2024, 2, 29, 10));
    expect(parseLocalTime('yesterday', 'UTC')).toBeNull();
    expect(parseLocalTime('', 'UTC')).toBeNull();
    expect(parseWallTime('25:00 2026-01-01')).toBeNull();
  });
});

describe('explicit offsets are honoured whatever the zone', () => {
  it('Z, +hh:mm, Fluent Bit " +hhmm", 7 and 9 fraction digits', () => {
    for (const tz of ['UTC', 'Europe/Berlin', 'Pacific/Auckland']) {
      expect(parseLocalTime('2015-10-27T17:10:42.1234567Z', tz)).toBe(utc(2015, 10, 27, 17, 10, 42, 123));
      expect(parseLocalTime('2015-10-27T17:10:42.123456789Z', tz)).toBe(utc(2015, 10, 27, 17, 10, 42, 123));
      expect(parseLocalTime('2015-10-27T19:10:42+02:00', tz)).toBe(utc(2015, 10, 27, 17, 10, 42));
      expect(parseLocalTime('2026-07-10 19:59:14 +0900', tz)).toBe(utc(2026, 7, 10, 10, 59, 14));
      expect(parseLocalTime('2021-09-22 07:32:21 -0700', tz)).toBe(utc(2021, 9, 22, 14, 32, 21));
    }
  });
  it('.NET /Date(ms)/ (PS 5.1), with or without the JSON backslashes and an offset suffix', () => {
    // 1595374458918 ms is the PS 5.1 sample of formats.md §3.5; the ms are UTC by definition
    expect(parseLocalTime('/Date(1595374458918)/', 'Europe/Berlin')).toBe(1595374458918);
    expect(parseLocalTime('\\/Date(1595374458918)\\/', 'UTC')).toBe(1595374458918);
    expect(parseLocalTime('/Date(1595374458918+0200)/', 'UTC')).toBe(1595374458918);
  });
});

describe('time zones', () => {
  it('an unknown zone is a typed error', () => {
    expect(isValidTimezone('Europe/Berlin')).toBe(true);
    expect(isValidTimezone('Mars/Olympus_Mons')).toBe(false);
    let caught: unknown;
    try {
      parseLocalTime('2026-01-01 00:00:00', 'Mars/Olympus_Mons');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect(caught).toMatchObject({ name: 'InputError', code: 'INPUT_BAD_TIMEZONE' });
  });
  it('defaultTimezone is a zone this runtime knows', () => {
    expect(isValidTimezone(defaultTimezone())).toBe(true);
  });
});
