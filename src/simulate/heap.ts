/**
 * Min-heap of integer slots ordered by time, then by insertion order (deterministic ties).
 * With hundreds of thousands of clients the heap is touched for every request and no longer fits
 * in the CPU caches, so its layout is about cache lines: 4-ary (half the depth of a binary heap,
 * the four children side by side) and each node's time, push number and slot interleaved in one
 * Float64Array (one node = 32 bytes), so a level costs one or two cache misses, not three per node.
 */
const STRIDE = 4; // at, seq, slot, (padding to 32 bytes)
const ARITY = 4;

export class SlotHeap {
  private d: Float64Array;
  private n = 0;
  private nextSeq = 0;

  constructor(capacity = 1024) {
    this.d = new Float64Array(Math.max(16, capacity) * STRIDE);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the first slot (Infinity when empty). */
  peekAt(): number {
    return this.n > 0 ? this.d[0] : Infinity;
  }

  push(slot: number, at: number): void {
    if ((this.n + 1) * STRIDE > this.d.length) this.grow();
    const d = this.d;
    const seq = this.nextSeq++;
    let i = this.n++;
    while (i > 0) {
      const p = ((i - 1) / ARITY) | 0;
      const pb = p * STRIDE;
      const pa = d[pb];
      if (pa < at || (pa === at && d[pb + 1] < seq)) break;
      const ib = i * STRIDE;
      d[ib] = pa;
      d[ib + 1] = d[pb + 1];
      d[ib + 2] = d[pb + 2];
      i = p;
    }
    const ib = i * STRIDE;
    d[ib] = at;
    d[ib + 1] = seq;
    d[ib + 2] = slot;
  }

  /** Removes and returns the first slot; -1 when empty. */
  pop(): number {
    if (this.n === 0) return -1;
    const d = this.d;
    const top = d[2];
    const n = --this.n;
    if (n === 0) return top;
    const lb = n * STRIDE;
    const at = d[lb];
    const seq = d[lb + 1];
    const slot = d[lb + 2];
    let i = 0;
    for (;;) {
      const first = i * ARITY + 1;
      if (first >= n) break;
      // the smallest of up to four children
      let m = first;
      let mb = m * STRIDE;
      let ma = d[mb];
      let ms = d[mb + 1];
      const last = Math.min(first + ARITY, n);
      for (let c = first + 1; c < last; c++) {
        const cb = c * STRIDE;
        const ca = d[cb];
        if (ca < ma || (ca === ma && d[cb + 1] < ms)) {
          m = c;
          mb = cb;
          ma = ca;
          ms = d[cb + 1];
        }
      }
      if (at < ma || (at === ma && seq < ms)) break;
      const ib = i * STRIDE;
      d[ib] = ma;
      d[ib + 1] = ms;
      d[ib + 2] = d[mb + 2];
      i = m;
    }
    const ib = i * STRIDE;
    d[ib] = at;
    d[ib + 1] = seq;
    d[ib + 2] = slot;
    return top;
  }

  private grow(): void {
    const d = new Float64Array(this.d.length * 2);
    d.set(this.d);
    this.d = d;
  }
}
