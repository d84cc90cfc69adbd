/**
 * A KMS host's own count for one application (kms-events.md §3.2): distinct CMIDs it answered
 * with 0x0 in the last 30 days, capped at 2 × the highest minimum count among them. Kept
 * incrementally (a queue of successes in time order) because requests arrive in time order.
 * CMIDs are the fleet's CMID numbers (SimMachine.cmidIndex); state lives in typed arrays that grow
 * on demand, so 200,000 clients cost a few MB, not a map of objects.
 */
export const COUNT_WINDOW_MS = 30 * 24 * 3600 * 1000;

export class HostCount {
  /** Per CMID: time of its latest success, and its minimum count (0 = not counted). */
  private lastAt = new Float64Array(256);
  private lastMin = new Uint16Array(256);
  private active = 0;
  /** Successes in the order recorded: a queue from head to tail. */
  private queueAt = new Float64Array(1024);
  private queueCmid = new Int32Array(1024);
  private head = 0;
  private tail = 0;
  private readonly perMinimum = new Map<number, number>();

  /** `minimumCount` ≥ 1 (every product's N-policy is). */
  record(cmid: number, minimumCount: number, at: number): void {
    if (cmid >= this.lastAt.length) this.growCmids(cmid + 1);
    const prevMin = this.lastMin[cmid];
    if (prevMin !== 0) this.bump(prevMin, -1);
    else this.active++;
    this.lastAt[cmid] = at;
    this.lastMin[cmid] = minimumCount;
    this.bump(minimumCount, 1);
    if (this.tail === this.queueAt.length) this.makeRoom();
    this.queueAt[this.tail] = at;
    this.queueCmid[this.tail] = cmid;
    this.tail++;
  }

  /** What the host reports at `now`: min(active, cap). */
  current(now: number): number {
    this.expire(now);
    let maxMin = 0;
    for (const [min, n] of this.perMinimum) if (n > 0 && min > maxMin) maxMin = min;
    return Math.min(this.active, 2 * maxMin);
  }

  private expire(now: number): void {
    const limit = now - COUNT_WINDOW_MS;
    const qa = this.queueAt;
    const qc = this.queueCmid;
    let head = this.head;
    while (head < this.tail && qa[head] <= limit) {
      const cmid = qc[head];
      const min = this.lastMin[cmid];
      // Only the CMID's latest success removes it; older queue entries of a renewed CMID do nothing.
      if (min !== 0 && this.lastAt[cmid] === qa[head]) {
        this.lastMin[cmid] = 0;
        this.active--;
        this.bump(min, -1);
      }
      head++;
    }
    this.head = head;
  }

  private bump(min: number, delta: number): void {
    this.perMinimum.set(min, (this.perMinimum.get(min) ?? 0) + delta);
  }

  /** The queue is full: slide the live part to the front, or double it when mostly live. */
  private makeRoom(): void {
    const live = this.tail - this.head;
    if (this.head * 2 >= this.queueAt.length) {
      this.queueAt.copyWithin(0, this.head, this.tail);
      this.queueCmid.copyWithin(0, this.head, this.tail);
    } else {
      const at = new Float64Array(this.queueAt.length * 2);
      const cmid = new Int32Array(this.queueAt.length * 2);
      at.set(this.queueAt.subarray(this.head, this.tail));
      cmid.set(this.queueCmid.subarray(this.head, this.tail));
      this.queueAt = at;
      this.queueCmid = cmid;
    }
    this.head = 0;
    this.tail = live;
  }

  private growCmids(needed: number): void {
    let cap = this.lastAt.length;
    while (cap < needed) cap *= 2;
    const at = new Float64Array(cap);
    const min = new Uint16Array(cap);
    at.set(this.lastAt);
    min.set(this.lastMin);
    this.lastAt = at;
    this.lastMin = min;
  }
}
