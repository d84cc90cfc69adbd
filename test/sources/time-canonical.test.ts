import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCanonicalUtc, parseLocalTime, parseTimeText } from '../../src/sources/time.js';

/**
 * parseCanonicalUtc is a shortcut of parseLocalTime for `YYYY-MM-DDTHH:MM:SS[.f]Z`: wherever it
 * answers, the general (regex) path must give the same instant, in any zone.
 */
describe('canonical UTC time shortcut', () => {
  it('answers for the SystemTime and @timestamp forms, with the hand-computed instants', () => {
    // 2025-01-06 00:02:24 UTC = Date.UTC(2025, 0, 6, 0, 2, 24); 7-digit fractions truncate to ms.
    expect(parseCanonicalUtc('2025-01-06T00:02:24.0000000Z')).toBe(Date.UTC(2025, 0, 6, 0, 2, 24));
    expect(parseCanonicalUtc('2015-10-27T17:10:42.1234567Z')).toBe(Date.UTC(2015, 9, 27, 17, 10, 42, 123));
    expect(parseCanonicalUtc('2015-10-27T17:10:42.5Z')).toBe(Date.UTC(2015, 9, 27, 17, 10, 42, 500));
    expect(parseCanonicalUtc('2024-02-29T23:59:59Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
  });

  it('leaves other forms to the general path', () => {
    for (const text of ['2025-01-06 00:02:24Z', '2025-01-06T00:02:24', '2025-01-06T00:02:24+01:00', ' 2025-01-06T00:02:24Z',
      '2025-1-06T00:02:24Z', '2025-01-06T00:02:24.Z', '2025-01-06T00:02:24,5Z', '2023-02-29T00:00:00Z', '2025-13-01T00:00:00Z']) {
      expect(parseCanonicalUtc(text), text).toBeNull();
    }
  });

  it('agrees with the general path on generated canonical-looking times', () => {
    const padded = (min: number, max: number, width: number) => fc.integer({ min, max }).map((n) => String(n).padStart(width, '0'));
    const fraction = fc.oneof(fc.constant(''), fc.array(fc.constantFrom('0', '1', '5', '9'), { minLength: 0, maxLength: 12 }).map((a) => `.${a.join('')}`));
    // Ranges one beyond the valid values on each side, and years that Date.UTC treats specially (0-99).
    const text = fc.tuple(
      fc.oneof(padded(1970, 2100, 4), padded(0, 9999, 4)), padded(0, 13, 2), padded(0, 32, 2),
      padded(0, 24, 2), padded(0, 60, 2), padded(0, 61, 2), fraction, fc.constantFrom('Z', 'Z', 'z', ''),
    ).map(([y, mo, d, h, mi, s, f, z]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${f}${z}`);
    let answered = 0;
    fc.assert(
      fc.property(text, fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York'), (t, zone) => {
        const fast = parseCanonicalUtc(t);
        if (fast === null) return;
        answered++;
        expect(parseTimeText(t, zone)).toBe(fast);
        expect(parseLocalTime(t, zone)).toBe(fast);
      }),
      { numRuns: 3000 },
    );
    expect(answered).toBeGreaterThan(100);
  });
});
