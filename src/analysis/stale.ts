import { formatDuration, isoMinute } from './duration.js';
import { HOUR_MS, iso } from './time.js';
import type { StaleNotice } from './types.js';

/**
 * The notice a report opens with when its newest event is more than `idleHours` before `at`:
 * nothing was collected since, so every count is about the past (docs/definitions.md "stale").
 */
export function staleNotice(newestEventAt: number | null, at: number, idleHours: number): StaleNotice | null {
  if (newestEventAt === null || at - newestEventAt <= idleHours * HOUR_MS) return null;
  return {
    newestEventAt: iso(newestEventAt),
    idleHours,
    text: `No events since ${isoMinute(newestEventAt)} (${formatDuration(at - newestEventAt)}): collection may have stopped.`,
  };
}
