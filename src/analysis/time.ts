/** Time constants of docs/definitions.md and the one way analyses write times. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The host counts CMIDs seen in the last 30 days. */
export const WINDOW_DAYS = 30;
/** A client renews every 7 days; one more day of slack before it is overdue. */
export const OVERDUE_DAYS = 8;
/** After 30 days without contact the host no longer counts a client. */
export const LAPSED_DAYS = 30;
export const EXPIRING_DAYS = 14;
export const IDLE_HOURS = 24;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

/** Start of the counting window ending at `at`; the window is (start, at]. */
export function windowStart(at: number): number {
  return at - WINDOW_DAYS * DAY_MS;
}
