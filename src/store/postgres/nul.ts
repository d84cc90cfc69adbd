import type { KmsRecord, KmsRequest } from '../../kms/types.js';

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

/** One string as the records' strings are stored: each NUL as U+FFFD. */
export function textWithoutNul(s: string): string {
  return clean(s);
}

export function withoutNul(records: readonly KmsRecord[]): readonly KmsRecord[] {
  let out: KmsRecord[] | null = null;
  let clean: KmsRequest | undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r?.kind === 'request' && !requestHasNul(r, clean)) {
      clean = r;
      continue;
    }
    if (r?.kind !== 'request' && !recordHasNul(r)) continue;
    out ??= records.slice();
    out[i] = cleanRecord(r);
  }
  return out ?? records;
}

/**
 * The strings a request stores (requests are the bulk of a batch: only these are looked at). A
 * string that is the very same as in `clean`, the last request found clean, is not searched again:
 * runs of requests share host, channel, source, result text and product.
 */
function requestHasNul(r: KmsRequest, clean: KmsRequest | undefined): boolean {
  if (hasNul(r.machine) || hasNul(r.cmid) || hasNul(r.clientTimeText)) return true;
  if (clean === undefined) return hasNul(r.host) || hasNul(r.channel) || hasNul(r.source) || hasNul(r.resultHex) || hasNul(r.activationId) || productHasNul(r);
  return (
    (r.host !== clean.host && hasNul(r.host)) ||
    (r.channel !== clean.channel && hasNul(r.channel)) ||
    (r.source !== clean.source && hasNul(r.source)) ||
    (r.resultHex !== clean.resultHex && hasNul(r.resultHex)) ||
    (r.activationId !== clean.activationId && hasNul(r.activationId)) ||
    (r.product !== clean.product && productHasNul(r))
  );
}

function productHasNul(r: KmsRequest): boolean {
  return r.product !== null && typeof r.product === 'object' && Object.values(r.product).some(hasNul);
}

function recordHasNul(r: KmsRecord): boolean {
  if (r === null || typeof r !== 'object') return false;
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
