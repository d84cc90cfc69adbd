import type { DiscoveryCheck } from '../../discover/index.js';
import { textWithoutNul } from '../nul.js';
import { defineQuery, num, str } from './query.js';

/**
 * Discovery checks (`kmswatch discover`, migration 1400): one row per (checked_at, seen_from), the
 * whole DiscoveryCheck kept as JSON text in `document`.
 */

/** Inserts a check, or replaces the one with the same checkedAt and seenFrom. */
export const upsertDiscoverySql = {
  name: 'upsertDiscovery',
  sqlite: `
    INSERT INTO discovery_checks (checked_at, seen_from, document) VALUES (@checkedAt, @seenFrom, @document)
    ON CONFLICT (checked_at, seen_from) DO UPDATE SET document = excluded.document`,
  postgres: `
    INSERT INTO discovery_checks (checked_at, seen_from, document) VALUES ($1, $2, $3)
    ON CONFLICT (checked_at, seen_from) DO UPDATE SET document = excluded.document`,
  params: ['checkedAt', 'seenFrom', 'document'],
} as const;

/** A check as its row stores it (every backend): the key, with seenFrom as strings are stored (nul.ts), and the document. */
export type DiscoveryRow = {
  checkedAt: number;
  seenFrom: string;
  document: string;
};

export function discoveryRow(check: DiscoveryCheck): DiscoveryRow {
  if (!Number.isSafeInteger(check.checkedAt)) throw new TypeError(`discovery checkedAt ${String(check.checkedAt)} is not a whole number of ms`);
  if (typeof check.seenFrom !== 'string') throw new TypeError('discovery check without seenFrom');
  return { checkedAt: check.checkedAt, seenFrom: textWithoutNul(check.seenFrom), document: JSON.stringify(check) };
}

/** The newest check with checked_at <= at; of checks started at the same instant, the first by seen_from (byte order). */
export const latestDiscoveryQuery = defineQuery<DiscoveryCheck>({
  name: 'latestDiscovery',
  params: ['at'],
  sqlite: `SELECT checked_at, seen_from, document FROM discovery_checks WHERE checked_at <= @at ORDER BY checked_at DESC, seen_from LIMIT 1`,
  postgres: `SELECT checked_at, seen_from, document FROM discovery_checks WHERE checked_at <= $1 ORDER BY checked_at DESC, seen_from LIMIT 1`,
  mapRow: (r) => discoveryOf(str(r.document), num(r.checked_at)),
});

/** A stored document back to its check; one that is not a check of that instant is an error, not a guess. */
export function discoveryOf(document: string, checkedAt: number): DiscoveryCheck {
  const parsed: unknown = JSON.parse(document);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError('discovery document is not a JSON object');
  const check = parsed as Partial<DiscoveryCheck>;
  if (check.checkedAt !== checkedAt) throw new TypeError(`discovery document checkedAt ${String(check.checkedAt)} is not its row's ${checkedAt}`);
  if (typeof check.seenFrom !== 'string' || !Array.isArray(check.dnsServers) || !Array.isArray(check.domains)) {
    throw new TypeError('discovery document lacks seenFrom, dnsServers or domains');
  }
  return check as DiscoveryCheck;
}
