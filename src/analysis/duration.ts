import { DAY_MS, HOUR_MS } from './time.js';

/**
 * A duration for a reader, in days and hours: `3 days 4 hours`, `1 day`, `5 hours`, `less than
 * an hour`. Rounded down to the hour, so "3 days" never means 2 days 23 hours.
 */
export function formatDuration(ms: number): string {
  const hours = Math.floor(Math.max(0, ms) / HOUR_MS);
  if (hours === 0) return 'less than an hour';
  const days = Math.floor(hours / 24);
  const rest = hours - days * 24;
  const parts: string[] = [];
  if (days > 0) parts.push(plural(days, 'day'));
  if (rest > 0) parts.push(plural(rest, 'hour'));
  return parts.join(' ');
}

/** Whole days in a duration, rounded down (a margin "at least N days"). */
export function wholeDays(ms: number): number {
  return Math.floor(Math.max(0, ms) / DAY_MS);
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** `2026-11-25 14:05 UTC`: the one way a reader sees an instant in text. */
export function isoMinute(t: number): string {
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
