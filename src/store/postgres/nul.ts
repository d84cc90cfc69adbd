import type { KmsRecord } from '../../kms/types.js';

/**
 * PostgreSQL `text` cannot hold U+0000, neither in COPY data nor in bound parameters. A NUL in any
 * string of a record (only hostile or corrupt input has one) becomes U+FFFD before the record is
 * planned, so its dedup key, checkpoint key and stored columns all agree. docs/postgres.md lists this
 * as the one difference from SQLite, which stores the NUL.
 */
const NUL = /\u0000/g;
const REPLACEMENT = '\uFFFD';

const hasNul = (s: unknown): boolean => typeof s === 'string' && s.includes('\u0000');
const clean = <T>(s: T): T => (typeof s === 'string' ? (s.replace(NUL, REPLACEMENT) as T) : s);

export function withoutNul(records: readonly KmsRecord[]): readonly KmsRecord[] {
  let out: KmsRecord[] | null = null;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (!recordHasNul(r)) continue;
    out ??= records.slice();
    out[i] = cleanRecord(r);
  }
  return out ?? records;
}

function recordHasNul(r: KmsRecord): boolean {
  for (const value of Object.values(r)) {
    if (hasNul(value)) return true;
  }
  if (r.kind === 'request') return Object.values(r.product).some(hasNul);
  if (r.kind === 'client') return Object.entries(r.fields).some(([k, v]) => hasNul(k) || hasNul(v));
  return false;
}

function cleanRecord(r: KmsRecord): KmsRecord {
  const copy = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, clean(v)])) as unknown as KmsRecord;
  if (copy.kind === 'request') {
    copy.product = Object.fromEntries(Object.entries(copy.product).map(([k, v]) => [k, clean(v)])) as unknown as typeof copy.product;
  }
  if (copy.kind === 'client') {
    copy.fields = Object.fromEntries(Object.entries(copy.fields).map(([k, v]) => [clean(k), clean(v)]));
  }
  return copy;
}
