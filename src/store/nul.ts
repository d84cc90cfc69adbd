import type { KmsRecord } from '../kms/types.js';

/**
 * PostgreSQL `text` cannot hold U+0000, neither in bound parameters nor anywhere else. A NUL in any
 * string of a record (only hostile or corrupt input has one) becomes U+FFFD before the record is
 * planned, on every backend, so its dedup key, checkpoint key and stored columns all agree and the
 * backends answer alike.
 */
const NUL = /\u0000/g;
const REPLACEMENT = '\uFFFD';

const hasNul = (s: unknown): boolean => typeof s === 'string' && s.includes('\u0000');
const clean = <T>(s: T): T => (typeof s === 'string' ? (s.replace(NUL, REPLACEMENT) as T) : s);
const cleanValues = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [clean(k), clean(v)])) as T;

/** One string as the records' strings are stored: each NUL as U+FFFD. */
export function textWithoutNul(s: string): string {
  return clean(s);
}

/** The records with every NUL replaced (the same array when there is none). */
export function withoutNul(records: readonly KmsRecord[]): readonly KmsRecord[] {
  if (!records.some(recordHasNul)) return records;
  return records.map((r) => (recordHasNul(r) ? cleanRecord(r) : r));
}

function recordHasNul(r: KmsRecord): boolean {
  if (r === null || typeof r !== 'object') return false;
  for (const key in r) if (hasNul((r as unknown as Record<string, unknown>)[key])) return true;
  if (r.kind === 'request') return r.product !== null && typeof r.product === 'object' && Object.values(r.product).some(hasNul);
  if (r.kind === 'client') return Object.entries(r.fields).some(([k, v]) => hasNul(k) || hasNul(v));
  return false;
}

function cleanRecord(r: KmsRecord): KmsRecord {
  const copy = cleanValues(r);
  if (copy.kind === 'request') copy.product = cleanValues(copy.product);
  if (copy.kind === 'client') copy.fields = cleanValues(copy.fields);
  return copy;
}
