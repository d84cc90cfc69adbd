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
  /**
   * A machine name's ids as written and lower-case, in one lookup; the entry also remembers the
   * CMID last seen with it (a machine reports the same one request after request), so the caller
   * can skip looking that up. `cacheable` is false for an answer that must not be remembered.
   */
  machineIds?(value: string): MachineIds;
}

export interface MachineIds {
  readonly id: number;
  readonly keyId: number;
  readonly cacheable: boolean;
  lastCmid?: string;
  lastCmidId?: number;
}

export const productKey = (activationId: string, name: string, application: string): string =>
  `${activationId}\u0000${name}\u0000${application}`;

export class DictionaryCache implements Dictionary {
  readonly strings = new Map<string, number>();
  readonly products = new Map<string, number>();
  /** value as written → id of its lower-case form. */
  private readonly lowered = new Map<string, number>();
  /** machine name as written → its ids. */
  private readonly machines = new Map<string, MachineIds>();

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

  machineIds(value: string): MachineIds {
    let entry = this.machines.get(value);
    if (entry === undefined) {
      entry = { id: this.id(value), keyId: this.lowerId(value), cacheable: true };
      this.machines.set(value, entry);
    }
    return entry;
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
    this.machines.clear();
  }
}
