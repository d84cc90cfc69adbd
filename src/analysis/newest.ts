import type { HostActivityRow, HostEventCountRow, Store } from '../store/types.js';

/** The largest instant a Date holds: "no limit". */
const END_OF_TIME = 8.64e15;

/**
 * The newest stored event (an activation request or a host event) at or before `at` (epoch ms;
 * no limit when omitted), or null when there is none. This is the instant `--at latest` and
 * `at=latest` mean.
 */
export async function newestEventTime(store: Store, at: number = END_OF_TIME): Promise<number | null> {
  const [activity, events] = await Promise.all([store.hostActivity(at), store.hostEventCounts(at)]);
  return newestOf(activity, events, at);
}

/** newestEventTime from rows a caller already has (the report reads both anyway). */
export function newestOf(activity: readonly HostActivityRow[], events: readonly HostEventCountRow[], at: number): number | null {
  let newest: number | null = null;
  const consider = (t: number | null) => {
    if (t !== null && t <= at && (newest === null || t > newest)) newest = t;
  };
  for (const a of activity) consider(a.lastRequestAt);
  for (const e of events) consider(e.lastAt);
  return newest;
}
