import { StoreError } from './types.js';

/**
 * In-memory cache of the `strings` and `products` lookup tables (migration 0001) of one store
 * instance. Rows of these tables are only ever added, so a cached id stays right, provided only
 * committed ids are cached: a backend calls forget() when a transaction that added ids fails.
 *
 * Backends fill the cache their own way (SQLite synchronously on a miss through `fetch`,
 * PostgreSQL in one round trip per batch before the rows are built); `id()` never misses after that.
 */
export interface Dictionary {
  id(value: string): number;
  productId(activationId: string, name: string, application: string): number;
  /** id(value.toLowerCase()), remembered by the value as written (saves a string per row). */
  lowerId?(value: string): number;
  /** [id(value), id(value.toLowerCase())] in one lookup (machine names: as written and as key). */
  idAndLower?(value: string): readonly [number, number];
}

export const productKey = (activationId: string, name: string, application: string): string =>
  `${activationId}\u0000${name}\u0000${application}`;

export class DictionaryCache implements Dictionary {
  readonly strings = new Map<string, number>();
  readonly products = new Map<string, number>();
  /** value as written → id of its lower-case form. */
  private readonly lowered = new Map<string, number>();
  /** value as written → [its id, the id of its lower-case form]. */
  private readonly pairs = new Map<string, readonly [number, number]>();

  constructor(
    /** Called on a miss; returns the id (inserting the row when needed), or undefined if it cannot. */
    private readonly fetchString?: (value: string) => number,
    private readonly fetchProduct?: (activationId: string, name: string, application: string) => number,
  ) {}

  id(value: string): number {
    const id = this.strings.get(value);
    if (id !== undefined) return id;
    if (!this.fetchString) throw new StoreError(`string ${JSON.stringify(value)} has no id yet`, 'STORE_WRITE');
    const fetched = this.fetchString(value);
    this.strings.set(value, fetched);
    return fetched;
  }

  lowerId(value: string): number {
    const id = this.lowered.get(value);
    if (id !== undefined) return id;
    const fetched = this.id(value.toLowerCase());
    this.lowered.set(value, fetched);
    return fetched;
  }

  idAndLower(value: string): readonly [number, number] {
    let pair = this.pairs.get(value);
    if (pair === undefined) {
      pair = [this.id(value), this.lowerId(value)];
      this.pairs.set(value, pair);
    }
    return pair;
  }

  productId(activationId: string, name: string, application: string): number {
    const key = productKey(activationId, name, application);
    const id = this.products.get(key);
    if (id !== undefined) return id;
    if (!this.fetchProduct) throw new StoreError(`product ${key} has no id yet`, 'STORE_WRITE');
    const fetched = this.fetchProduct(activationId, name, application);
    this.products.set(key, fetched);
    return fetched;
  }

  /** Drops everything (after a failed transaction: ids it added were rolled back). */
  forget(): void {
    this.strings.clear();
    this.products.clear();
    this.lowered.clear();
    this.pairs.clear();
  }
}
