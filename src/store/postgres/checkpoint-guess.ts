import { checkpointId, type BatchPlan } from '../batch-plan.js';
import type { Checkpoint } from '../types.js';

/** The (host, channel) pairs of a batch, keyed by checkpointId(hostKey, channel). */
export type BatchPairs = Map<string, { hostKey: string; channel: string }>;

/**
 * What one store instance expects the stored checkpoints of some (host, channel) pairs to be once
 * the batches it has planned commit. A batch plans itself against this guess before it waits for
 * its locks (planBatch reads every record: it is no small part of a batch's work), and once it
 * holds them it compares the guess with the checkpoints really stored: only when they differ is
 * the batch planned again. The guess can only save work, never change a result: a batch that
 * fails makes its pairs unknown again, and anything another process did shows up as a difference.
 */
export class CheckpointGuess {
  private readonly expected = new Map<string, Checkpoint>();

  guess(pairs: BatchPairs): Map<string, Checkpoint> {
    const out = new Map<string, Checkpoint>();
    for (const id of pairs.keys()) {
      const cp = this.expected.get(id);
      if (cp !== undefined) out.set(id, cp);
    }
    return out;
  }

  /** Records the checkpoints `plan` leaves behind, `stored` being those it was planned against. */
  planned(pairs: BatchPairs, stored: ReadonlyMap<string, Checkpoint>, plan: BatchPlan): void {
    for (const id of pairs.keys()) {
      const cp = stored.get(id);
      if (cp !== undefined) this.expected.set(id, cp);
      else this.expected.delete(id);
    }
    for (const { hostKey, ...cp } of plan.checkpoints) this.expected.set(checkpointId(hostKey, cp.channel), cp);
  }

  /** After a failed batch: nothing is known of its pairs. */
  forget(pairs: BatchPairs): void {
    for (const id of pairs.keys()) this.expected.delete(id);
  }
}

/** Whether planning against `a` and `b` gives the same plan for these pairs. */
export function sameCheckpoints(pairs: BatchPairs, a: ReadonlyMap<string, Checkpoint>, b: ReadonlyMap<string, Checkpoint>): boolean {
  for (const id of pairs.keys()) {
    const x = a.get(id);
    const y = b.get(id);
    if (x === undefined || y === undefined) {
      if (x !== y) return false;
      continue;
    }
    if (x.host !== y.host || x.lastRecordId !== y.lastRecordId || x.lastTime !== y.lastTime || x.epoch !== y.epoch) return false;
  }
  return true;
}
