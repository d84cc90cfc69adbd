// Store.prune on the memory store (src/store/memory.ts), over hand-built records; every expected
// count is derived in the comments from the table below.
import { describe, expect, it } from 'vitest';
import type { KmsRecord } from '../../src/kms/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { DamageMark, PruneResult, Store } from '../../src/store/types.js';
import { anomaly, clientEvent, hostEvent, request } from './fixtures/records.js';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 1);
/** prune(B): everything with time < T+10h goes. */
const B = T + 10 * HOUR;
const FAR = T + 1000 * HOUR;
const KMS = 'Key Management Service';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const D = 'dddddddd-0000-4000-8000-000000000004';
const E = 'eeeeeeee-0000-4000-8000-000000000005';
const C = 'cccccccc-0000-4000-8000-000000000003';
const F = 'ffffffff-0000-4000-8000-000000000006';

/*
 * KMS01, Key Management Service log, source a.evtx, record ids in time order (no log clear):
 *   1 request  T+8h      A          gone
 *   2 request  T+9h      D          gone   (D's only request)
 *   3 anomaly  T+9h30m              gone
 *   4 request  B-1ms     E          gone   (1 ms before B)
 *   5 request  B         E          kept   (time = B is not < B)
 *   6 request  T+11h     C          kept
 *   7 request  T+12h     A upper    kept   (A, case-insensitively, keeps a request)
 *   8 anomaly  T+12h30m             kept
 * KMS01, Application log, source a.evtx: host events 100 at T+7h (gone), 101 at T+13h (kept).
 * pc1, Application log, source a.evtx: client event 1 at T+9h (gone).
 * KMS02, Key Management Service log, source kms02.evtx: requests of F, ids 1 at T+1h, 2 at T+2h,
 *   then 1 again at T+3h: a log clear (epoch 1). All three gone.
 */
const kms01: KmsRecord[] = [
  request({ recordId: 1, time: T + 8 * HOUR, cmid: A, machine: 'pc-a', source: 'a.evtx (evtx)' }),
  request({ recordId: 2, time: T + 9 * HOUR, cmid: D, machine: 'pc-d', source: 'a.evtx (evtx)' }),
  anomaly({ recordId: 3, time: T + 9.5 * HOUR, source: 'a.evtx (evtx)' }),
  request({ recordId: 4, time: B - 1, cmid: E, machine: 'pc-e', source: 'a.evtx (evtx)' }),
  request({ recordId: 5, time: B, cmid: E, machine: 'pc-e', source: 'a.evtx (evtx)' }),
  request({ recordId: 6, time: T + 11 * HOUR, cmid: C, machine: 'pc-c', source: 'a.evtx (evtx)' }),
  request({ recordId: 7, time: T + 12 * HOUR, cmid: A.toUpperCase(), machine: 'pc-a', source: 'a.evtx (evtx)' }),
  anomaly({ recordId: 8, time: T + 12.5 * HOUR, source: 'a.evtx (evtx)' }),
  hostEvent({ recordId: 100, time: T + 7 * HOUR, source: 'a.evtx (evtx)' }),
  hostEvent({ recordId: 101, time: T + 13 * HOUR, source: 'a.evtx (evtx)' }),
  clientEvent({ recordId: 1, time: T + 9 * HOUR, source: 'a.evtx (evtx)' }),
];
const kms02: KmsRecord[] = [
  request({ host: 'KMS02.corp.example', recordId: 1, time: T + 1 * HOUR, cmid: F, machine: 'pc-f', source: 'kms02.evtx (evtx)' }),
  request({ host: 'KMS02.corp.example', recordId: 2, time: T + 2 * HOUR, cmid: F, machine: 'pc-f', source: 'kms02.evtx (evtx)' }),
  request({ host: 'KMS02.corp.example', recordId: 1, time: T + 3 * HOUR, cmid: F, machine: 'pc-f', source: 'kms02.evtx (evtx)' }),
];

const mark = (recordId: number, time: number): DamageMark => ({ host: 'KMS01.corp.example', channel: KMS, recordId, time, file: 'a.evtx', chunk: 0, checks: 'chunk data CRC' });
/** Marks of request 2 and anomaly 3 (gone), request 5 (kept), and id 99, which names no stored event. */
const marks = [mark(2, T + 9 * HOUR), mark(3, T + 9.5 * HOUR), mark(5, B), mark(99, T + HOUR)];

/*
 * Expected: requests 1, 2, 4 of KMS01 and 1, 2, 1 of KMS02 = 6; host event 100 = 1; client event
 * = 1; anomaly 3 = 1; the marks of request 2 and anomaly 3 = 2 (the mark of 5 names a kept event,
 * the mark of 99 no event at all). Stretches: KMS01's KMS log (ids 1-8, last T+12h30m) and
 * Application log (T+7h-T+13h) end after B and stay; pc1's Application stretch (T+9h) and both of
 * KMS02 (epoch 0: T+1h-T+2h, epoch 1: T+3h) end before B = 3. Clients: A, D, E, C, F before;
 * E, C, A after = 2 removed (D, F).
 */
const EXPECTED: Omit<PruneResult, 'dryRun'> = {
  before: B, requests: 6, hostEvents: 1, clientEvents: 1, anomalies: 1, damageMarks: 2, logSpans: 3, clientsRemoved: 2,
};

async function filled(): Promise<Store> {
  const store = createMemoryStore();
  await store.markDamaged(marks);
  expect(await store.writeBatch(kms01)).toMatchObject({ requests: 6, hostEvents: 2, clientEvents: 1, anomalies: 2, duplicates: 0, logClears: 0 });
  expect(await store.writeBatch(kms02)).toMatchObject({ requests: 3, logClears: 1 });
  await store.setMeta!('collect.lastSuccess', '1');
  await store.saveAlertStates!([{
    id: 'clone:x', rule: 'clone', severity: 'warning', host: null, summary: 's', details: '{}', status: 'open',
    firstSeen: T, lastSeen: T, resolvedAt: null, notifiedAt: null, resolvedNotifiedAt: null,
  }]);
  return store;
}

/** What the store answers, to tell a store changed from one left alone. */
async function snapshot(store: Store) {
  return {
    totals: await store.totals(FAR),
    clients: await store.latestClients(FAR),
    hostEvents: await store.hostEventCounts(FAR),
    anomalies: await store.anomalies(FAR, 100),
    damaged: await store.damagedEvents(FAR),
    coverage: await store.coverage(),
    checkpoints: await store.checkpoints(),
    clears: await store.logClears(),
    alerts: await store.alertStates!(),
    meta: await store.getMeta!('collect.lastSuccess'),
  };
}

describe('memory store prune', () => {
  it('a dry run counts what would go and changes nothing', async () => {
    const store = await filled();
    const before = await snapshot(store);
    expect(await store.prune(B, { dryRun: true })).toEqual({ ...EXPECTED, dryRun: true });
    expect(await snapshot(store)).toEqual(before);
  });

  it('deletes the events before the instant, their marks and the stretches that end before it', async () => {
    const store = await filled();
    const before = await snapshot(store);
    expect(await store.prune(B)).toEqual({ ...EXPECTED, dryRun: false });
    const after = await snapshot(store);

    // 9 requests stored, 6 gone: 5, 6, 7 remain, of E, C and A; one host (KMS01)
    expect(after.totals).toEqual({ requests: 3, clients: 3, machines: 3, hosts: 1, anomalies: 1 });
    // E's first request (B-1ms) is gone: first seen B, one request
    expect(after.clients.map((c) => [c.cmid.toLowerCase(), c.firstSeen, c.lastSeen, c.requests])).toEqual([
      [A, T + 12 * HOUR, T + 12 * HOUR, 1],
      [C, T + 11 * HOUR, T + 11 * HOUR, 1],
      [E, B, B, 1],
    ]);
    expect(after.hostEvents).toMatchObject([{ count: 1, lastAt: T + 13 * HOUR }]);
    expect(after.anomalies.rows.map((a) => a.recordId)).toEqual([8]);
    expect(after.damaged.map((d) => d.recordId)).toEqual([5]);
    // the stretches that end after B stay, and start at B now (Application: read from T+7h, KMS
    // log: from T+8h); their record ids and event counts stay as read (KMS log: ids 1-8, 8 events)
    expect(after.coverage.map((s) => [s.host, s.channel, s.firstTime, s.lastTime])).toEqual([
      ['KMS01.corp.example', 'Application', B, T + 13 * HOUR],
      ['KMS01.corp.example', KMS, B, T + 12.5 * HOUR],
    ]);
    expect(after.coverage[1]).toMatchObject({ firstRecordId: 1, lastRecordId: 8, events: 8 });
    // kept: checkpoints, log clears, alert states, meta
    expect(after.checkpoints).toEqual(before.checkpoints);
    expect(after.clears).toEqual(before.clears);
    expect(after.clears).toHaveLength(1);
    expect(after.alerts).toEqual(before.alerts);
    expect(after.meta).toBe('1');

    // nothing before B is left
    expect(await store.prune(B)).toEqual({
      before: B, dryRun: false, requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, damageMarks: 0, logSpans: 0, clientsRemoved: 0,
    });
  });

  it('forgets the keys of what it deleted: an old export ingested again is stored again, without a false log clear', async () => {
    const store = await filled();
    await store.prune(B);
    // KMS02's checkpoint is kept (id 1 at T+3h, epoch 1): ids 1@T+1h and 2@T+2h are older events,
    // 1@T+3h is the checkpoint's own; all three were deleted, so all three are stored again
    expect(await store.writeBatch(kms02)).toMatchObject({ requests: 3, duplicates: 0, logClears: 0 });
    expect((await store.totals(FAR)).requests).toBe(6);
    // the mark of 99 (no event) stayed; the marks of the deleted 2 and 3 did not come back
    await store.writeBatch([request({ recordId: 99, time: T + HOUR, cmid: D, machine: 'pc-d', source: 'late.evtx (evtx)' })]);
    expect((await store.damagedEvents(FAR)).map((d) => d.recordId).sort((a, b) => a - b)).toEqual([5, 99]);
  });
});
