/** Query-string parsing shared by the routes: every bad value is a WebError naming the parameter. */
import { WebError } from './errors.js';

export type Query = Record<string, string | string[] | undefined>;

export function one(q: Query, name: string): string | undefined {
  const v = q[name];
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  return s === undefined || s === '' ? undefined : s;
}

/** `at`: ISO 8601 with an offset or `Z`, or epoch milliseconds; default `now` (`latest`: see as-of.ts). */
export function parseAt(q: Query, now: number): number {
  const text = one(q, 'at');
  if (text === undefined) return now;
  if (/^\d{1,15}$/.test(text)) return Number(text);
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(text)) throw new WebError(`at: "${text}" is not a time: give ISO 8601 with a time zone (2026-03-01T00:00:00Z), epoch milliseconds, or latest`, 'WEB_BAD_REQUEST', 'at');
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new WebError(`at: "${text}" is not an ISO 8601 time (2026-03-01T00:00:00Z), epoch milliseconds, or latest`, 'WEB_BAD_REQUEST', 'at');
  return ms;
}

export function parseInteger(q: Query, name: string, fallback: number, min: number, max: number): number {
  const text = one(q, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new WebError(`${name}: "${text}" is not a whole number`, 'WEB_BAD_REQUEST', name);
  const n = Number(text);
  if (n < min || n > max) throw new WebError(`${name}: ${n} is outside ${min}..${max}`, 'WEB_BAD_REQUEST', name);
  return n;
}

export function parseBool(q: Query, name: string): boolean | undefined {
  const text = one(q, name);
  if (text === undefined) return undefined;
  if (/^(1|true|yes)$/i.test(text)) return true;
  if (/^(0|false|no)$/i.test(text)) return false;
  throw new WebError(`${name}: "${text}" is not true or false`, 'WEB_BAD_REQUEST', name);
}

export function parseChoice<T extends string>(q: Query, name: string, choices: readonly T[], fallback: T): T {
  const text = one(q, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) throw new WebError(`${name}: "${text}" is not one of ${choices.join(', ')}`, 'WEB_BAD_REQUEST', name);
  return text as T;
}
