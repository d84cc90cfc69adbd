import { describe, expect, it } from 'vitest';
import { countAt, forecastCountDrop } from '../../src/alerts/forecast.js';
import { AT, DAY, HOUR } from './records.js';

describe('forecastCountDrop', () => {
  it('drops below m when the m-th newest CMID leaves the 30-day window', () => {
    // 30 CMIDs last seen at AT − 12 h, AT − 1 d, AT − 2 d, …, AT − 29 d.
    // Newest first, the 25th (index 24) is AT − 24 d; it leaves the count at AT − 24 d + 30 d = AT + 6 d
    // = 2026-03-07T00:00Z. Just before, 25 CMIDs remain; at that instant 24 remain.
    const lastSeen = [AT - 12 * HOUR, ...Array.from({ length: 29 }, (_, i) => AT - (i + 1) * DAY)];
    const date = forecastCountDrop(lastSeen, 25, AT);
    expect(new Date(date!).toISOString()).toBe('2026-03-07T00:00:00.000Z');
    expect(countAt(lastSeen, date! - 1)).toBe(25);
    expect(countAt(lastSeen, date!)).toBe(24);
    // For m = 5 the 5th newest is AT − 4 d → AT + 26 d = 2026-03-27.
    expect(new Date(forecastCountDrop(lastSeen, 5, AT)!).toISOString()).toBe('2026-03-27T00:00:00.000Z');
  });

  it('ignores CMIDs outside the window and order of input', () => {
    // AT − 30 d is outside (left-open window); AT + 1 h is after `at`. In window: AT − 3 d, AT − 1 d → m = 2 drops at AT − 3 d + 30 d.
    const date = forecastCountDrop([AT - 30 * DAY, AT - 1 * DAY, AT + HOUR, AT - 3 * DAY], 2, AT);
    expect(date).toBe(AT + 27 * DAY);
  });

  it('is null when the count is already below the minimum', () => {
    expect(forecastCountDrop([AT - DAY, AT - 2 * DAY], 5, AT)).toBeNull();
    expect(forecastCountDrop([], 25, AT)).toBeNull();
  });
});
