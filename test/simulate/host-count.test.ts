import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COUNT_WINDOW_MS, HostCount } from '../../src/simulate/host-count.js';

const DAY = 24 * 3600 * 1000;

/**
 * kms-events.md §3.2 computed from scratch: the CMIDs whose latest success is inside the 30-day
 * window (now − 30 d, now], capped at twice the highest minimum count among them.
 */
function naiveCount(records: { cmid: number; min: number; at: number }[], now: number): number {
  const latest = new Map<number, { at: number; min: number }>();
  for (const r of records) latest.set(r.cmid, { at: r.at, min: r.min });
  const active = [...latest.values()].filter((r) => r.at > now - COUNT_WINDOW_MS);
  const maxMin = Math.max(0, ...active.map((r) => r.min));
  return Math.min(active.length, 2 * maxMin);
}

describe('HostCount', () => {
  it('matches the count computed from scratch, for successes in time order', () => {
    const step = fc.record({ cmid: fc.integer({ min: 0, max: 600 }), min: fc.constantFrom(5, 25), gap: fc.integer({ min: 0, max: 3 * DAY }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 400 }), (steps) => {
        const count = new HostCount();
        const seen: { cmid: number; min: number; at: number }[] = [];
        let at = Date.UTC(2025, 0, 1);
        for (const s of steps) {
          at += s.gap;
          count.record(s.cmid, s.min, at);
          seen.push({ cmid: s.cmid, min: s.min, at });
          expect(count.current(at)).toBe(naiveCount(seen, at));
        }
        // and after a quiet spell long enough for part or all of the window to empty
        for (const later of [at + 10 * DAY, at + 29 * DAY, at + COUNT_WINDOW_MS]) expect(count.current(later)).toBe(naiveCount(seen, later));
      }),
      { numRuns: 150 },
    );
  });

  it('forgets a client exactly 30 days after its last success', () => {
    // Hand-worked: 30 CMIDs with minimum 25 at t0 → 30 active, cap 50, count 30; one of them renews
    // at t0 + 10 d. At t0 + 30 d the window (t0, t0 + 30 d] has lost the 29 others: count 1.
    const t0 = Date.UTC(2025, 0, 1);
    const count = new HostCount();
    for (let c = 0; c < 30; c++) count.record(c, 25, t0);
    expect(count.current(t0)).toBe(30);
    count.record(7, 25, t0 + 10 * DAY);
    expect(count.current(t0 + 30 * DAY - 1)).toBe(30);
    expect(count.current(t0 + 30 * DAY)).toBe(1);
    expect(count.current(t0 + 40 * DAY)).toBe(0);
  });
});
