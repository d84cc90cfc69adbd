/**
 * Binary min-heap of integer slots ordered by time, then by insertion order (deterministic ties).
 * Keys live in typed arrays: with hundreds of thousands of clients the heap is touched for every
 * request, and comparing numbers in flat arrays beats chasing object pointers.
 */
export class SlotHeap {
  private at: Float64Array;
  private seq: Float64Array;
  private slot: Int32Array;
  private n = 0;
  private nextSeq = 0;

  constructor(capacity = 1024) {
    const cap = Math.max(16, capacity);
    this.at = new Float64Array(cap);
    this.seq = new Float64Array(cap);
    this.slot = new Int32Array(cap);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the first slot (Infinity when empty). */
  peekAt(): number {
    return this.n > 0 ? this.at[0] : Infinity;
  }

  push(slot: number, at: number): void {
    if (this.n === this.at.length) this.grow();
    const seq = this.nextSeq++;
    const A = this.at;
    const S = this.seq;
    const L = this.slot;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pa = A[p];
      if (pa < at || (pa === at && S[p] < seq)) break;
      A[i] = pa;
      S[i] = S[p];
      L[i] = L[p];
      i = p;
    }
    A[i] = at;
    S[i] = seq;
    L[i] = slot;
  }

  /** Removes and returns the first slot; -1 when empty. */
  pop(): number {
    if (this.n === 0) return -1;
    const A = this.at;
    const S = this.seq;
    const L = this.slot;
    const top = L[0];
    const n = --this.n;
    if (n === 0) return top;
    const at = A[n];
    const seq = S[n];
    const slot = L[n];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let m = l;
      if (r < n && (A[r] < A[l] || (A[r] === A[l] && S[r] < S[l]))) m = r;
      const ma = A[m];
      if (at < ma || (at === ma && seq < S[m])) break;
      A[i] = ma;
      S[i] = S[m];
      L[i] = L[m];
      i = m;
    }
    A[i] = at;
    S[i] = seq;
    L[i] = slot;
    return top;
  }

  private grow(): void {
    const cap = this.at.length * 2;
    const at = new Float64Array(cap);
    const seq = new Float64Array(cap);
    const slot = new Int32Array(cap);
    at.set(this.at);
    seq.set(this.seq);
    slot.set(this.slot);
    this.at = at;
    this.seq = seq;
    this.slot = slot;
  }
}
