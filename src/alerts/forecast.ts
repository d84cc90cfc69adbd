/** How long a counted CMID stays in a host's count after its last counted request. */
export const COUNT_WINDOW_MS = 30 * 24 * 3600 * 1000;

/**
 * The instant a host's count falls below `minimum` if no new CMIDs arrive.
 *
 * A CMID last counted at L is counted at t while t − 30 d < L (definitions.md: the window is
 * left-open), i.e. until L + 30 d. With the last-seen times sorted newest first (L0 ≥ L1 ≥ …) the
 * count at t ≥ now is #{i : Li + 30 d > t}, which is < m exactly from L[m−1] + 30 d on. The cap
 * (2 × the highest minimum) never matters here: it is ≥ m.
 *
 * Returns null when the count is already below `minimum` at `at` (the low-count rule reports that).
 * Times outside the window at `at` are ignored.
 */
export function forecastCountDrop(lastSeen: readonly number[], minimum: number, at: number): number | null {
  const inWindow = lastSeen.filter((t) => t <= at && t > at - COUNT_WINDOW_MS).sort((a, b) => b - a);
  if (minimum <= 0) return null;
  if (inWindow.length < minimum) return null;
  return inWindow[minimum - 1] + COUNT_WINDOW_MS;
}

/** The count at instant t (≥ the newest last-seen) if no new CMIDs arrive, before the cap. */
export function countAt(lastSeen: readonly number[], t: number): number {
  let n = 0;
  for (const l of lastSeen) if (l <= t && l + COUNT_WINDOW_MS > t) n++;
  return n;
}
