/**
 * docs/definitions.md "client": which of two stored events is the later one. Later time first;
 * at one time the higher record id (an event without one ranks as -1, below every record id); then
 * the one stored later. SQL spells the same order as `ORDER BY time DESC, <rank of rec> DESC, id DESC`
 * (queries/names.ts latestOrder).
 */
export interface LatestKey {
  time: number;
  /** The record id; null, or a negative stand-in (dedup.ts dedupRec), when the event has none. */
  recordId: number | null;
  /** Storage order: the row id, or the memory store's insertion counter. */
  stored: number;
}

/** A record id's rank in the order: itself, or -1 when there is none. */
export function recordRank(recordId: number | null | undefined): number {
  return recordId !== null && recordId !== undefined && recordId >= 0 ? recordId : -1;
}

/** Comparator that sorts the latest first: negative when `a` is later than `b`, 0 only for equal keys. */
export function latestFirst(a: LatestKey, b: LatestKey): number {
  return b.time - a.time || recordRank(b.recordId) - recordRank(a.recordId) || b.stored - a.stored;
}

export function isLater(a: LatestKey, b: LatestKey): boolean {
  return latestFirst(a, b) < 0;
}
