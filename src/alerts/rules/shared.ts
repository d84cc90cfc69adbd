import type { ClientRow } from '../../store/types.js';
import type { AffectedClient } from '../types.js';
import { COUNT_WINDOW_MS } from '../forecast.js';

export const HOUR = 3600 * 1000;
export const DAY = 24 * HOUR;

/** definitions.md: lapsed = at − lastSeen > 30 d. */
export function isLapsed(c: ClientRow, at: number): boolean {
  return at - c.lastSeen > COUNT_WINDOW_MS;
}

/** definitions.md: expiry = latest request time + minutes left; none when minutes left is 0. */
export function expiryOf(c: ClientRow): number | null {
  return c.minutesLeft > 0 ? c.lastSeen + c.minutesLeft * 60_000 : null;
}

export function hresultHex(code: number): string {
  return code === 0 ? '0x0' : `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

export function toAffected(c: ClientRow): AffectedClient {
  return {
    machine: c.machine,
    cmid: c.cmid,
    host: c.host,
    application: c.application,
    productName: c.productName,
    licenseState: c.licenseState,
    minimumCount: c.minimumCount,
    lastSeen: c.lastSeen,
    expiry: expiryOf(c),
    resultHex: hresultHex(c.result),
  };
}

/** `2026-11-25` (UTC). */
export function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** `2026-11-25 14:05 UTC`. */
export function isoMinute(t: number): string {
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const sameHost = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Alert ids use the lower-cased host so that `KMS01` and `kms01` are one subject. */
export const idPart = (s: string): string => s.toLowerCase();

export function byMachine(a: AffectedClient, b: AffectedClient): number {
  return a.machine.localeCompare(b.machine) || a.cmid.localeCompare(b.cmid);
}

/**
 * The words a count alert adds when the count rests on less than the whole window
 * (docs/definitions.md "partial"): the real count may be higher.
 */
export const PARTIAL_NOTE = ' (partial)';
