/** Time constants of docs/definitions.md and the one way analyses write times. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The host counts CMIDs seen in the last 30 days. */
export const WINDOW_DAYS = 30;
/** A KMS client renews its activation every 7 days by default (kms-events.md: renewal interval). */
export const RENEWAL_DAYS = 7;
/** One more day of slack after the renewal interval before a client is overdue. */
export const OVERDUE_DAYS = RENEWAL_DAYS + 1;
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
