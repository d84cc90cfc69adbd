import { DAY_MS } from './window.js';

/**
 * When a client counts (docs/definitions.md "active"): a CMID is active at instant e for a host and
 * application when one of its successful requests there falls in (e - 30 days, e]. A success at t
 * therefore makes it active over [t, t + ACTIVE_MS); the union of these intervals, merged where
 * they overlap or touch, is the client's activity spans. The SQL rebuild (queries/activity.ts) and
 * the batch merge below follow the same rule: a new span starts where a success comes more than
 * ACTIVE_MS after the previous one.
 */
export const ACTIVE_MS = 30 * DAY_MS;

/**
 * [start, stop): active from start (a success) until stop (the last success of the run + ACTIVE_MS).
 * `minimum`, `minimumLow`: the highest and lowest minimum count the run's requests asked for (the
 * host's cap is twice the highest among the clients it counts; a CMID asks for its edition's, 25
 * or 5, every time, so the two are equal but on odd data, where the counts per minimum are read
 * from the requests instead).
 */
export interface ActivitySpan {
  start: number;
  stop: number;
  minimum: number;
  minimumLow: number;
}

/** The spans of a set of successful requests. */
export function spansOfTimes(successes: readonly { time: number; minimum: number }[]): ActivitySpan[] {
  return mergeSpans(successes.map((s) => ({ start: s.time, stop: s.time + ACTIVE_MS, minimum: s.minimum, minimumLow: s.minimum })));
}

const byStart = (a: ActivitySpan, b: ActivitySpan) => a.start - b.start || a.stop - b.stop;

/** Merges spans that overlap or touch; the result is sorted by start and disjoint (new objects). */
export function mergeSpans(spans: readonly ActivitySpan[]): ActivitySpan[] {
  // a batch writer merges one or two spans per client, mostly in order already
  let sorted = spans;
  for (let i = 1; i < spans.length; i++) {
    if (byStart(spans[i - 1], spans[i]) > 0) {
      sorted = [...spans].sort(byStart);
      break;
    }
  }
  const out: ActivitySpan[] = [];
  let last: ActivitySpan | undefined;
  for (const s of sorted) {
    if (last !== undefined && s.start <= last.stop) {
      if (s.stop > last.stop) last.stop = s.stop;
      if (s.minimum > last.minimum) last.minimum = s.minimum;
      if (s.minimumLow < last.minimumLow) last.minimumLow = s.minimumLow;
    } else {
      last = { start: s.start, stop: s.stop, minimum: s.minimum, minimumLow: s.minimumLow };
      out.push(last);
    }
  }
  return out;
}

/**
 * Active clients at `count` evenly spaced instants first, first + step, …: from per-instant deltas,
 * +1 at the first instant a span covers and -1 at the first it no longer covers (the SQL series
 * query groups spans into these deltas; the memory store builds the same).
 */
export function deltaIndex(time: number, first: number, step: number): number {
  return time <= first ? 0 : Math.ceil((time - first) / step);
}

export function seriesFromDeltas(deltas: ReadonlyMap<number, number>, count: number): number[] {
  const out = new Array<number>(count);
  let active = 0;
  for (let k = 0; k < count; k++) {
    active += deltas.get(k) ?? 0;
    out[k] = active;
  }
  return out;
}

/** Per host and application: the series of each minimum count added up, and the highest minimum counted at each instant. */
export function combineMinimums(perMinimum: ReadonlyMap<number, ReadonlyMap<number, number>>, count: number): { active: number[]; maxMinimum: number[] } {
  const active = new Array<number>(count).fill(0);
  const maxMinimum = new Array<number>(count).fill(0);
  for (const [minimum, deltas] of perMinimum) {
    seriesFromDeltas(deltas, count).forEach((n, k) => {
      active[k] += n;
      if (n > 0) maxMinimum[k] = Math.max(maxMinimum[k], minimum);
    });
  }
  return { active, maxMinimum };
}
