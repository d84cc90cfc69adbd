import { describe, expect, it } from 'vitest';
import { checkpointId, planBatch } from '../../src/store/batch-plan.js';
import { dedupKey } from '../../src/store/dedup.js';
import type { Checkpoint } from '../../src/store/types.js';
import { request } from './fixtures/records.js';

const T = Date.UTC(2026, 10, 1);
const KMS = 'Key Management Service';

describe('planBatch', () => {
  it('gives each record its epoch: records after a clear belong to the new one', () => {
    // ids 5, 6 then a restart at 1 (later), then 2; then 6 again at its old time (a re-read)
    const recs = [
      request({ recordId: 5, time: T }), request({ recordId: 6, time: T + 1000 }),
      request({ recordId: 1, time: T + 60_000 }), request({ recordId: 2, time: T + 61_000 }),
      request({ recordId: 6, time: T + 1000 }),
    ];
    const plan = planBatch(recs, new Map(), 42);
    expect(plan.records.map((p) => p.epoch)).toEqual([0, 0, 1, 1, 1]);
    expect(plan.logClears).toMatchObject([{ epoch: 1, previousLastRecordId: 6, previousLastTime: T + 1000, firstRecordId: 1, detectedAt: T + 60_000 }]);
    expect(plan.checkpoints).toEqual([{
      host: 'KMS01.corp.example', hostKey: 'kms01.corp.example', channel: KMS,
      lastRecordId: 2, lastTime: T + 61_000, epoch: 1, updatedAt: 42,
    }]);
  });

  it('continues from a stored checkpoint and reports it changed only when it moves', () => {
    const stored = new Map<string, Checkpoint>([[checkpointId('kms01.corp.example', KMS), {
      host: 'KMS01.corp.example', channel: KMS, lastRecordId: 100, lastTime: T, epoch: 3, updatedAt: 1,
    }]]);
    // an older event: nothing moves
    const older = planBatch([request({ recordId: 50, time: T - 5000 })], stored, 2);
    expect(older.checkpoints).toEqual([]);
    expect(older.records[0].epoch).toBe(3);
    // id 100 again, 900 ms later but the same second: the same event, not a clear
    expect(planBatch([request({ recordId: 100, time: T + 900 })], stored, 2)).toMatchObject({ logClears: [], checkpoints: [] });
    const clear = planBatch([request({ recordId: 100, time: T + 1000 })], stored, 2);
    expect(clear.logClears).toMatchObject([{ epoch: 4, previousLastRecordId: 100 }]);
  });

  it('dedup key: record id and event second; a content hash without record id', () => {
    expect(dedupKey(request({ recordId: 7, time: 1_700_000_000_999 }))).toBe('7@1700000000');
    const a = dedupKey(request({ recordId: null, machine: 'a' }));
    expect(a).toMatch(/^#[0-9a-f]{32}$/);
    expect(dedupKey(request({ recordId: null, machine: 'a' }))).toBe(a);
    expect(dedupKey(request({ recordId: null, machine: 'b' }))).not.toBe(a);
    expect(dedupKey(request({ recordId: null, machine: 'a', time: request().time + 1000 }))).not.toBe(a);
  });

  it('names the bad record of a batch', () => {
    expect(() => planBatch([request(), request({ recordId: -1 })], new Map(), 0)).toThrow(/record 1 of the batch \(test \(xml\)\): record id -1/);
    expect(() => planBatch([request({ time: Number.POSITIVE_INFINITY })], new Map(), 0)).toThrow(/time Infinity/);
  });
});
