import { InvalidArgumentError } from 'commander';
import { newestEventTime } from '../analysis/newest.js';
import type { Store } from '../store/types.js';
import { defaultTimezone, isValidTimezone, parseLocalTime } from '../sources/time.js';
import { CliUsageError } from './errors.js';

/** Parsers for option values: a bad value is a usage error (exit 2) naming the option. */

/** --at is read after --timezone is known, so it is parsed in the action, not by commander. */
export function atOption(text: string | undefined, timezone: string, now: number): number {
  return text === undefined ? now : parseAt(text, timezone);
}

/** `--at`: an instant (epoch ms), or `latest`: the newest stored event, known once the store is open. */
export type AtSpec = number | 'latest';

/** `--at latest` (any case) or what atOption accepts. */
export function atSpecOption(text: string | undefined, timezone: string, now: number): AtSpec {
  if (text !== undefined && text.trim().toLowerCase() === 'latest') return 'latest';
  return atOption(text, timezone, now);
}

/**
 * The instant an AtSpec means: `latest` is the newest stored request or host event (the same
 * newestEventTime the API's `at=latest` uses); an empty store has none, so it is `now`.
 */
export async function resolveAt(spec: AtSpec, store: Store, now: number): Promise<number> {
  if (spec !== 'latest') return spec;
  return (await newestEventTime(store)) ?? now;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * `--at`: ISO 8601 (`2026-03-01`, `2026-03-01T12:00:00Z`, `2026-03-01T13:00+01:00`). Without an
 * offset the time is local to `timezone`, like times in exports.
 */
export function parseAt(text: string, timezone: string): number {
  const s = text.trim();
  const ms = ISO_DATE.test(s) ? parseLocalTime(s, timezone) : null;
  if (ms === null || !Number.isFinite(ms)) {
    const hint = s.toLowerCase() === 'latest' ? ' (--at latest is not available here)' : '';
    throw new CliUsageError(`option '--at <time>' argument '${text}' is invalid: not an ISO 8601 time (e.g. 2026-03-01T12:00:00Z)${hint}`, 'CLI_BAD_OPTION', '--at');
  }
  return ms;
}

export function parseTimezone(text: string): string {
  if (!isValidTimezone(text)) throw new InvalidArgumentError(`unknown time zone "${text}" (expected an IANA name such as Europe/Berlin).`);
  return text;
}

export function resolveTimezone(given: string | undefined, env: Record<string, string | undefined>): string {
  const fromEnv = env.KMSWATCH_TIMEZONE;
  if (given) return given;
  if (fromEnv && isValidTimezone(fromEnv)) return fromEnv;
  return defaultTimezone();
}

export function parseCount(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError(`"${text}" is not a whole number.`);
  return Number(text);
}

/** A positive number of hours or days; fractions allowed (`--idle-hours 0.5`). */
export function parsePositive(text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n > 0)) throw new InvalidArgumentError(`"${text}" is not a positive number.`);
  return n;
}
