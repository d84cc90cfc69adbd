/**
 * A KMS host's own count for one application (kms-events.md §3.2): distinct CMIDs it answered
 * with 0x0 in the last 30 days, capped at 2 × the highest minimum count among them. Kept
 * incrementally (a queue of successes in time order) because requests arrive in time order.
 */
export const COUNT_WINDOW_MS = 30 * 24 * 3600 * 1000;

export class HostCount {
  private readonly last = new Map<string, { at: number; min: number }>();
  private queueAt: number[] = [];
  private queueCmid: string[] = [];
  private head = 0;
  private readonly perMinimum = new Map<number, number>();

  record(cmid: string, minimumCount: number, at: number): void {
    const prev = this.last.get(cmid);
    if (prev) this.bump(prev.min, -1);
    this.last.set(cmid, { at, min: minimumCount });
    this.bump(minimumCount, 1);
    this.queueAt.push(at);
    this.queueCmid.push(cmid);
  }

  /** What the host reports at `now`: min(active, cap). */
  current(now: number): number {
    this.expire(now);
    let maxMin = 0;
    for (const [min, n] of this.perMinimum) if (n > 0 && min > maxMin) maxMin = min;
    return Math.min(this.last.size, 2 * maxMin);
  }

  private expire(now: number): void {
    const limit = now - COUNT_WINDOW_MS;
    while (this.head < this.queueAt.length && this.queueAt[this.head] <= limit) {
      const cmid = this.queueCmid[this.head];
      const entry = this.last.get(cmid);
      if (entry && entry.at === this.queueAt[this.head]) {
        this.last.delete(cmid);
        this.bump(entry.min, -1);
      }
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > this.queueAt.length) {
      this.queueAt = this.queueAt.slice(this.head);
      this.queueCmid = this.queueCmid.slice(this.head);
      this.head = 0;
    }
  }

  private bump(min: number, delta: number): void {
    this.perMinimum.set(min, (this.perMinimum.get(min) ?? 0) + delta);
  }
}
