import { KMS_CHANNEL } from '../kms/types.js';
import type { BatchPlan } from './batch-plan.js';
import type { LogSpan } from './types.js';

/**
 * Stretches of a host's log the store has read (migration 1100, docs/definitions.md "coverage"):
 * every batch adds the stretches it read, one per host, log, epoch and source, and each is merged
 * with the stored stretches of the same source it overlaps or continues. Two stretches of one
 * source stay apart only where record ids are missing between them (the Key Management Service log
 * holds nothing but KMS events, so its record ids run without gaps) or, for exports without record
 * ids, where their times do not overlap. In the Application log KMS events are a few among many:
 * its stretches of one source are merged whole.
 */
export function batchSpans(plan: BatchPlan, unplanned: ReadonlySet<number>): LogSpan[] {
  const spans = new Map<string, LogSpan>();
  // consecutive records mostly share host, log, epoch and source: their span is the previous one's
  let last: { hostKey: string; channel: string; epoch: number; source: string; span: LogSpan } | undefined;
  for (let i = 0; i < plan.records.length; i++) {
    if (unplanned.size > 0 && unplanned.has(i)) continue;
    const { record: r, hostKey, epoch } = plan.records[i];
    let s: LogSpan | undefined;
    if (last !== undefined && last.hostKey === hostKey && last.channel === r.channel && last.epoch === epoch && last.source === r.source) s = last.span;
    else {
      const key = `${hostKey}\u0000${r.channel}\u0000${epoch}\u0000${r.source}`;
      s = spans.get(key);
    }
    if (s === undefined) {
      s = {
        hostKey, channel: r.channel, epoch, source: r.source, spanKey: '', firstTime: r.time, lastTime: r.time,
        firstRecordId: null, lastRecordId: null, events: 0, zone: r.timeZone ?? null,
      };
      spans.set(`${hostKey}\u0000${r.channel}\u0000${epoch}\u0000${r.source}`, s);
    }
    last = { hostKey, channel: r.channel, epoch, source: r.source, span: s };
    s.events++;
    if (r.time < s.firstTime) s.firstTime = r.time;
    if (r.time > s.lastTime) s.lastTime = r.time;
    const id = r.recordId;
    if (id !== null && id !== undefined) {
      if (s.firstRecordId === null || id < s.firstRecordId) s.firstRecordId = id;
      if (s.lastRecordId === null || id > s.lastRecordId) s.lastRecordId = id;
    }
    if (s.zone === null && r.timeZone !== undefined) s.zone = r.timeZone;
  }
  return [...spans.values()].map(withKey);
}

/** The key of a span: its first record id, or its first second when it has none. */
function withKey(s: LogSpan): LogSpan {
  return { ...s, spanKey: s.firstRecordId !== null ? `r${s.firstRecordId}` : `t${Math.floor(s.firstTime / 1000)}` };
}

function touches(a: LogSpan, b: LogSpan): boolean {
  if (a.channel !== KMS_CHANNEL) return true;
  if (a.firstRecordId !== null && b.firstRecordId !== null && a.lastRecordId !== null && b.lastRecordId !== null) {
    return a.firstRecordId <= b.lastRecordId + 1 && b.firstRecordId <= a.lastRecordId + 1;
  }
  if (a.firstRecordId === null && b.firstRecordId === null) return a.firstTime <= b.lastTime && b.firstTime <= a.lastTime;
  return false;
}

function overlap(a: LogSpan, b: LogSpan): boolean {
  if (a.firstRecordId !== null && b.firstRecordId !== null && a.lastRecordId !== null && b.lastRecordId !== null) {
    return a.firstRecordId <= b.lastRecordId && b.firstRecordId <= a.lastRecordId;
  }
  return a.firstTime <= b.lastTime && b.firstTime <= a.lastTime;
}

function merged(a: LogSpan, b: LogSpan): LogSpan {
  const min = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  const max = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  return withKey({
    ...a,
    firstTime: Math.min(a.firstTime, b.firstTime),
    lastTime: Math.max(a.lastTime, b.lastTime),
    firstRecordId: min(a.firstRecordId, b.firstRecordId),
    lastRecordId: max(a.lastRecordId, b.lastRecordId),
    // stretches read twice hold the same records: the larger count is the closer one; stretches
    // that only continue each other add up
    events: overlap(a, b) ? Math.max(a.events, b.events) : a.events + b.events,
    zone: b.zone ?? a.zone,
  });
}

/**
 * Merges `incoming` into `stored`, the spans of its host, log, epoch and source: the stored span
 * keys to delete and the span to write (in that order).
 */
export function mergeSpan(stored: readonly LogSpan[], incoming: LogSpan): { remove: string[]; write: LogSpan } {
  let span = incoming;
  const remove: string[] = [];
  let left = [...stored];
  for (let changed = true; changed; ) {
    changed = false;
    const rest: LogSpan[] = [];
    for (const s of left) {
      if (touches(span, s)) {
        // the stored one is the base: a re-read adds no events to it
        span = merged(s, span);
        remove.push(s.spanKey);
        changed = true;
      } else rest.push(s);
    }
    left = rest;
  }
  return { remove, write: span };
}
