import type { Driver } from './driver.js';
import { sql } from './driver.js';

/**
 * The ids of the strings and products the narrow requests table stores (migration 0001): each
 * batch's new values are inserted (each statement committed on its own, before the batch's
 * transaction: an id that no row uses is harmless) and read back, two statements per table, and
 * every id is kept in memory for the next batches.
 */
const insertStrings = {
  name: 'insertStrings', params: ['values'],
  sqlite: 'INSERT INTO strings (value) SELECT value FROM json_each(@values) WHERE true ON CONFLICT DO NOTHING',
  postgres: 'INSERT INTO strings (value) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING',
} as const;
const selectStrings = {
  name: 'selectStrings', params: ['values'],
  sqlite: 'SELECT id, value FROM strings WHERE value IN (SELECT value FROM json_each(@values))',
  postgres: 'SELECT id, value FROM strings WHERE value = ANY ($1::text[])',
} as const;
const insertProducts = {
  name: 'insertProducts', params: ['products'],
  sqlite: `INSERT INTO products (activation_id, name, application)
           SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(@products) WHERE true ON CONFLICT DO NOTHING`,
  postgres: `INSERT INTO products (activation_id, name, application)
             SELECT p ->> 0, p ->> 1, p ->> 2 FROM json_array_elements($1::json) p ON CONFLICT DO NOTHING`,
} as const;
const selectProducts = sql('selectProducts', [], () => 'SELECT id, activation_id, name, application FROM products');

export type ProductKey = readonly [activationId: string, name: string, application: string];

/** The text key of a product; kept on the tuple, which the writer reuses for every request of it. */
const productKeys = new WeakMap<ProductKey, string>();
const productKey = (p: ProductKey): string => {
  let key = productKeys.get(p);
  if (key === undefined) productKeys.set(p, (key = `${p[0]}\u0000${p[1]}\u0000${p[2]}`));
  return key;
};

export class Dictionary {
  private readonly strings = new Map<string, number>();
  private readonly products = new Map<string, number>();
  private readonly applications = new Map<number, string>();

  /** Makes sure every value and product has an id. */
  async resolve(tx: Driver, values: Iterable<string>, products: Iterable<ProductKey>): Promise<void> {
    // sorted: two writers inserting overlapping new values take their row locks in one order, so
    // neither waits for the other in a cycle (PostgreSQL reported a deadlock with batch order)
    const missing = [...new Set([...values].filter((v) => !this.strings.has(v)))].sort();
    if (missing.length > 0) {
      await tx.run(insertStrings, { values: tx.list(missing) });
      for (const r of await tx.rows(selectStrings, { values: tx.list(missing) })) this.strings.set(String(r.value), Number(r.id));
      const lost = missing.find((v) => !this.strings.has(v));
      if (lost !== undefined) throw new Error(`no id for the string ${JSON.stringify(lost)}`);
    }
    const newProducts = new Map<string, ProductKey>();
    for (const p of products) if (!this.products.has(productKey(p))) newProducts.set(productKey(p), p);
    if (newProducts.size > 0) {
      await tx.run(insertProducts, { products: JSON.stringify([...newProducts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p)) });
      for (const r of await tx.rows(selectProducts)) {
        this.products.set(productKey([String(r.activation_id), String(r.name), String(r.application)]), Number(r.id));
        this.applications.set(Number(r.id), String(r.application));
      }
    }
  }

  has(value: string): boolean {
    return this.strings.has(value);
  }

  hasProduct(p: ProductKey): boolean {
    return this.products.has(productKey(p));
  }

  id(value: string): number {
    const id = this.strings.get(value);
    if (id === undefined) throw new Error(`the string ${JSON.stringify(value)} was not resolved`);
    return id;
  }

  productId(p: ProductKey): number {
    const id = this.products.get(productKey(p));
    if (id === undefined) throw new Error(`the product ${p.join(' / ')} was not resolved`);
    return id;
  }

  /** The application of a resolved product id (activity spans are kept per application). */
  applicationOf(productId: number): string {
    const application = this.applications.get(productId);
    if (application === undefined) throw new Error(`the product id ${productId} was not resolved`);
    return application;
  }
}
