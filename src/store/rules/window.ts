/** Time ranges the store's queries count over (docs/definitions.md "window"). */

export const DAY_MS = 86_400_000;

/** The counting window (from, to]: left-open, right-closed, so windows that follow each other never share an event. */
export function inWindow(time: number, from: number, to: number): boolean {
  return time > from && time <= to;
}

/** The start of the UTC day that holds `time` (dailyActivity's `day`). */
export function utcDayStart(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}
