import { productKey, type Dictionary, type MachineIds } from '../dictionary.js';

/**
 * The dictionary the main thread fills a batch's columns with when the writer thread stores it
 * (threaded-writer.ts): ids the writer thread reported committed, and for any other string or
 * product a provisional id (-1, -2, … in the order first met in the batch) that the writer thread
 * replaces, inside the batch's transaction, by the row it finds or inserts. Its answer is merged
 * in by `committed()` once the batch is stored.
 */
export class ProvisionalIds implements Dictionary {
  private readonly strings = new Map<string, number>();
  private readonly products = new Map<string, number>();
  private readonly lowered = new Map<string, number>();
  private readonly machines = new Map<string, MachineIds>();
  /** The current batch's unknown strings and products, by provisional id −1 − index. */
  missingStrings: string[] = [];
  missingProducts: [string, string, string][] = [];
  private readonly missingString = new Map<string, number>();
  private readonly missingProduct = new Map<string, number>();

  /** Starts a batch: provisional ids count from −1 again. */
  begin(): void {
    this.missingStrings = [];
    this.missingProducts = [];
    this.missingString.clear();
    this.missingProduct.clear();
  }

  id(value: string): number {
    const id = this.strings.get(value);
    if (id !== undefined) return id;
    let p = this.missingString.get(value);
    if (p === undefined) {
      p = -1 - this.missingStrings.length;
      this.missingStrings.push(value);
      this.missingString.set(value, p);
    }
    return p;
  }

  lowerId(value: string): number {
    const known = this.lowered.get(value);
    if (known !== undefined) return known;
    const id = this.id(value.toLowerCase());
    if (id > 0) this.lowered.set(value, id);
    return id;
  }

  machineIds(value: string): MachineIds {
    const known = this.machines.get(value);
    if (known !== undefined) return known;
    const id = this.id(value);
    const keyId = this.lowerId(value);
    const entry = { id, keyId, cacheable: id > 0 && keyId > 0 };
    if (entry.cacheable) this.machines.set(value, entry);
    return entry;
  }

  productId(activationId: string, name: string, application: string): number {
    const key = productKey(activationId, name, application);
    const id = this.products.get(key);
    if (id !== undefined) return id;
    let p = this.missingProduct.get(key);
    if (p === undefined) {
      p = -1 - this.missingProducts.length;
      this.missingProducts.push([activationId, name, application]);
      this.missingProduct.set(key, p);
    }
    return p;
  }

  /** Ids of a stored batch's strings and products (in the order of that batch's missing lists). */
  committed(strings: readonly string[], stringIds: readonly number[], products: readonly [string, string, string][], productIds: readonly number[]): void {
    strings.forEach((v, i) => this.strings.set(v, stringIds[i]));
    products.forEach((p, i) => this.products.set(productKey(...p), productIds[i]));
  }
}
