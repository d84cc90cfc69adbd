import { productKey, type MachineIds } from '../dictionary.js';
import type { PgClient } from './driver.js';

/**
 * Ids of the `strings` and `products` lookup tables (migration 0001) known to one store instance.
 * Rows of these tables are only ever added, so a cached id stays right as long as only committed
 * ids are cached: a batch collects the ids it adds in its own LookupIds and the store merges them
 * after COMMIT (a rolled-back batch leaves no dangling id behind).
 */
export class LookupIds {
  readonly strings = new Map<string, number>();
  /** A value as written → the id of its lower-case form (saves a toLowerCase per row). */
  readonly lowered = new Map<string, number>();
  readonly products = new Map<string, number>();
  /**
   * Committed product ids by the product object a request carries and its activation id as
   * written: decoders hand out one shared object per product, so most requests need no key string.
   */
  readonly byProduct = new WeakMap<object, { activationId: string; id: number }>();
  /** A machine name as written → its id and the id of its lower-case form (one lookup per request). */
  readonly machines = new Map<string, MachineIds>();

  merge(added: LookupIds): void {
    for (const [k, v] of added.strings) this.strings.set(k, v);
    for (const [k, v] of added.lowered) this.lowered.set(k, v);
    for (const [k, v] of added.products) this.products.set(k, v);
  }
}

/** The committed ids plus those a batch adds; `-1` means not known yet. */
export class BatchIds {
  readonly added = new LookupIds();
  readonly missingStrings = new Set<string>();
  readonly missingProducts = new Map<string, [string, string, string]>();

  constructor(private readonly committed: LookupIds) {}

  id(value: string): number {
    const id = this.committed.strings.get(value) ?? this.added.strings.get(value);
    if (id !== undefined) return id;
    this.missingStrings.add(value);
    return -1;
  }

  lowerId(value: string): number {
    const id = this.committed.lowered.get(value) ?? this.added.lowered.get(value);
    if (id !== undefined) return id;
    const lower = value.toLowerCase();
    const committed = this.committed.strings.get(lower);
    if (committed !== undefined) {
      this.committed.lowered.set(value, committed);
      return committed;
    }
    const added = this.added.strings.get(lower);
    if (added !== undefined) {
      this.added.lowered.set(value, added);
      return added;
    }
    this.missingStrings.add(lower);
    return -1;
  }

  /**
   * id() and lowerId() of a machine name; -1 where not known yet. A `cacheable` answer is the
   * committed entry, kept across batches, on which the caller may remember the machine's CMID.
   */
  machine(value: string): MachineIds {
    const hit = this.committed.machines.get(value);
    if (hit !== undefined) return hit;
    const committedId = this.committed.strings.get(value);
    const id = committedId ?? this.id(value);
    const keyId = this.lowerId(value);
    const cacheable = committedId !== undefined && this.committed.strings.get(value.toLowerCase()) === keyId;
    const ids: MachineIds = { id, keyId, cacheable };
    if (cacheable) this.committed.machines.set(value, ids);
    return ids;
  }

  /** lowerId() of a CMID, remembered on its machine's committed entry when the id is committed. */
  cmidOf(machine: MachineIds, cmid: string): number {
    if (machine.lastCmid === cmid) return machine.lastCmidId!;
    const id = this.lowerId(cmid);
    if (machine.cacheable && id >= 0 && this.committed.lowered.get(cmid) === id) {
      machine.lastCmid = cmid;
      machine.lastCmidId = id;
    }
    return id;
  }

  /** productId() of a request's product (activation id lower-case, name, application). */
  productOf(product: { name: string; application: string }, activationId: string): number {
    const hit = this.committed.byProduct.get(product);
    if (hit !== undefined && hit.activationId === activationId) return hit.id;
    const lower = activationId.toLowerCase();
    const id = this.committed.products.get(productKey(lower, product.name, product.application));
    if (id === undefined) return this.productId(lower, product.name, product.application);
    this.committed.byProduct.set(product, { activationId, id });
    return id;
  }

  productId(activationId: string, name: string, application: string): number {
    const key = productKey(activationId, name, application);
    const id = this.committed.products.get(key) ?? this.added.products.get(key);
    if (id !== undefined) return id;
    this.missingProducts.set(key, [activationId, name, application]);
    return -1;
  }

  get complete(): boolean {
    return this.missingStrings.size === 0 && this.missingProducts.size === 0;
  }

  /**
   * Inserts the missing strings and products and reads their ids back (two round trips each at
   * most). Rows are inserted sorted, so concurrent writers take the unique-index locks in one order.
   */
  async fetchMissing(client: PgClient): Promise<void> {
    if (this.missingStrings.size > 0) {
      const values = [...this.missingStrings].sort();
      await client.query(
        `INSERT INTO strings (value) SELECT v FROM unnest($1::text[]) AS t(v) ORDER BY v ON CONFLICT (value) DO NOTHING`,
        [values],
      );
      // matched by position, not by value: the server may have stored a value other than the one
      // sent (a lone UTF-16 surrogate arrives as U+FFFD)
      const res = await client.query<{ i: number; id: number }>(
        `SELECT t.i, s.id FROM unnest($1::text[]) WITH ORDINALITY AS t(v, i) JOIN strings s ON s.value = t.v`,
        [values],
      );
      for (const r of res.rows) this.added.strings.set(values[r.i - 1], r.id);
      this.missingStrings.clear();
    }
    if (this.missingProducts.size > 0) {
      const products = [...this.missingProducts.values()].sort((a, b) => (productKey(...a) < productKey(...b) ? -1 : 1));
      const cols = [0, 1, 2].map((i) => products.map((p) => p[i]));
      await client.query(
        `INSERT INTO products (activation_id, name, application)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ORDER BY 1, 2, 3
           ON CONFLICT (activation_id, name, application) DO NOTHING`,
        cols,
      );
      const res = await client.query<{ i: number; id: number }>(
        `SELECT k.i, p.id FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS k(a, n, app, i)
           JOIN products p ON p.activation_id = k.a AND p.name = k.n AND p.application = k.app`,
        cols,
      );
      for (const r of res.rows) this.added.products.set(productKey(...products[r.i - 1]), r.id);
      this.missingProducts.clear();
    }
  }
}
