import type { PlannedRecord } from '../batch-plan.js';
import { narrowBatch, productKeyOf, requestStrings, type NarrowRequest } from '../columns.js';
import { DictionaryCache, productKey } from '../dictionary.js';
import type { KmsRequest } from '../../kms/types.js';
import type { PgClient } from './driver.js';

/**
 * Ids of the strings and products of a batch's requests (migration 0001 lookup tables), in two
 * round trips at most: the missing ones are inserted (sorted, so concurrent writers take the
 * unique-index locks in one order) and read back. `shared` holds ids known to be committed; ids
 * this batch adds go into a batch-local overlay that the caller merges after COMMIT, so a rolled
 * back batch never leaves a dangling id in the cache.
 */
export async function narrowRequests(
  client: PgClient,
  planned: readonly PlannedRecord[],
  shared: DictionaryCache,
): Promise<{ rows: NarrowRequest[]; added: DictionaryCache }> {
  const missingStrings = new Set<string>();
  const missingProducts = new Map<string, [string, string, string]>();
  for (const p of planned) {
    requestStrings(p, (v) => {
      if (!shared.strings.has(v)) missingStrings.add(v);
    });
    const product = productKeyOf(p.record as KmsRequest);
    const key = productKey(...product);
    if (!shared.products.has(key)) missingProducts.set(key, product);
  }

  const added = new DictionaryCache();
  if (missingStrings.size > 0) {
    const values = [...missingStrings].sort();
    await client.query(
      `INSERT INTO strings (value) SELECT v FROM unnest($1::text[]) AS t(v) ORDER BY v ON CONFLICT (value) DO NOTHING`,
      [values],
    );
    const res = await client.query<{ id: number; value: string }>(`SELECT id, value FROM strings WHERE value = ANY($1::text[])`, [values]);
    for (const r of res.rows) added.strings.set(r.value, r.id);
  }
  if (missingProducts.size > 0) {
    const products = [...missingProducts.values()].sort((a, b) => (productKey(...a) < productKey(...b) ? -1 : 1));
    const cols = [0, 1, 2].map((i) => products.map((p) => p[i]));
    await client.query(
      `INSERT INTO products (activation_id, name, application)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ORDER BY 1, 2, 3
         ON CONFLICT (activation_id, name, application) DO NOTHING`,
      cols,
    );
    const res = await client.query<{ id: number; activation_id: string; name: string; application: string }>(
      `SELECT p.id, p.activation_id, p.name, p.application FROM products p
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(a, n, app)
           ON p.activation_id = k.a AND p.name = k.n AND p.application = k.app`,
      cols,
    );
    for (const r of res.rows) added.products.set(productKey(r.activation_id, r.name, r.application), r.id);
  }

  const ids = {
    id: (v: string) => shared.strings.get(v) ?? added.id(v),
    productId: (a: string, n: string, app: string) => shared.products.get(productKey(a, n, app)) ?? added.productId(a, n, app),
  };
  return { rows: narrowBatch(planned, ids), added };
}

/** Merges a committed batch's new ids into the shared cache. */
export function mergeIds(shared: DictionaryCache, added: DictionaryCache): void {
  for (const [k, v] of added.strings) shared.strings.set(k, v);
  for (const [k, v] of added.products) shared.products.set(k, v);
}
