/**
 * A map from row ids (integers, |id| < 2^53) to slot numbers (non-negative int32), in
 * typed arrays with open addressing. The summary folds look one up for every request; a `Map`
 * with 200,000 number keys costs several cache misses per lookup, this one usually one.
 */
export class IdIndex {
  private keys: Float64Array;
  /** -1 marks an empty place. */
  private values: Int32Array;
  private mask: number;
  private shift: number;
  size = 0;

  constructor(expected = 16) {
    let bits = 4;
    while (1 << bits < expected * 2) bits++;
    this.keys = new Float64Array(1 << bits);
    this.values = new Int32Array(1 << bits).fill(-1);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
  }

  /** The slot of `id`, or -1. */
  get(id: number): number {
    const { keys, values, mask } = this;
    for (let p = this.place(id); ; p = (p + 1) & mask) {
      const v = values[p];
      if (v < 0 || keys[p] === id) return v;
    }
  }

  set(id: number, slot: number): void {
    const { keys, values, mask } = this;
    let p = this.place(id);
    while (values[p] >= 0 && keys[p] !== id) p = (p + 1) & mask;
    if (values[p] < 0) {
      keys[p] = id;
      if (++this.size * 2 > mask + 1) {
        values[p] = slot;
        this.grow();
        return;
      }
    }
    values[p] = slot;
  }

  clear(): void {
    this.values.fill(-1);
    this.size = 0;
  }

  private place(id: number): number {
    // both halves of the id, multiplied by 2^32 / golden ratio; the top bits pick the place
    return Math.imul((id | 0) ^ ((id / 4294967296) | 0), 0x9e3779b1) >>> this.shift;
  }

  private grow(): void {
    const { keys, values } = this;
    const bits = 33 - this.shift;
    this.keys = new Float64Array(1 << bits);
    this.values = new Int32Array(1 << bits).fill(-1);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
    this.size = 0;
    for (let p = 0; p < values.length; p++) if (values[p] >= 0) this.set(keys[p], values[p]);
  }
}
