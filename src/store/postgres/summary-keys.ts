/**
 * client_summary keys (cmid, product, host, machine key, minimum count) that a store instance
 * knows to be stored: every key of its own committed batches. Rows are never deleted, so a delta
 * of a known key can be written with a plain UPDATE … FROM staging, which costs the server about a
 * third less than INSERT … ON CONFLICT DO UPDATE (that statement first probes the index for each
 * row, then locks the row it found, a WAL record of its own, then updates it). Unknown keys still
 * go through the upsert, which also settles two writers adding the same new key. If a known key
 * is missing after all (rows deleted behind the store's back), the UPDATE touches fewer rows than
 * it was given: the batch fails with StaleSummaryKeys and is written again with no key known.
 *
 * Bounded: past `limit` keys no more are added (the batches stay correct, only slower).
 */
export class SummaryKeys {
  /** cmid → [product, host, machine key, minimum count] × n */
  private readonly byCmid = new Map<number, number[]>();
  private count = 0;

  constructor(private readonly limit = 1_000_000) {}

  get size(): number {
    return this.count;
  }

  has(cmid: number, product: number, host: number, machineKey: number, minimum: number): boolean {
    const list = this.byCmid.get(cmid);
    if (list === undefined) return false;
    for (let i = 0; i < list.length; i += 4) {
      if (list[i] === product && list[i + 1] === host && list[i + 2] === machineKey && list[i + 3] === minimum) return true;
    }
    return false;
  }

  add(cmid: number, product: number, host: number, machineKey: number, minimum: number): void {
    if (this.count >= this.limit || this.has(cmid, product, host, machineKey, minimum)) return;
    const list = this.byCmid.get(cmid);
    if (list === undefined) this.byCmid.set(cmid, [product, host, machineKey, minimum]);
    else list.push(product, host, machineKey, minimum);
    this.count++;
  }

  clear(): void {
    this.byCmid.clear();
    this.count = 0;
  }
}

/** A batch whose UPDATE of known summary keys found fewer rows than it had: nothing of it remains. */
export class StaleSummaryKeys extends Error {
  override readonly name = 'StaleSummaryKeys';
}
