// The memory store (src/store/memory.ts): dedup, log clears and the queries' edges.
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { StoreError } from '../../src/store/types.js';
import type { KmsRecord } from '../../src/kms/types.js';
import { AT, DAY, HOUR, PRODUCTS, anomaly, request } from './fleet.js';

describe('memory store writes', () => {
  it('skips duplicates by (host case-insensitive, channel, record id, second)', async () => {
    const store = createMemoryStore();
    const a = request({ host: 'KMS01', time: AT - HOUR, cmid: 'a', machine: 'A', recordId: 7 });
    // Same host in other case, same id, same second (+400 ms): a duplicate.
    const dup = request({ host: 'kms01', time: AT - HOUR + 400, cmid: 'a', machine: 'A', recordId: 7 });
    // Same id, a later second: another event (after a log clear the id comes back).
    const other = request({ host: 'kms01', time: AT - HOUR + 1000, cmid: 'a', machine: 'A', recordId: 7 });
    expect(await store.writeBatch([a, dup])).toMatchObject({ requests: 1, duplicates: 1 });
    expect(await store.writeBatch([a, other])).toMatchObject({ requests: 1, duplicates: 1 });
    expect((await store.totals(AT)).requests).toBe(2);
  });

  it('dedups events without a record id by their content', async () => {
    const store = createMemoryStore();
    const x = request({ host: 'h', time: AT - HOUR, cmid: 'a', machine: 'A' });
    const y = request({ host: 'h', time: AT - HOUR, cmid: 'b', machine: 'B' });
    expect(await store.writeBatch([x, y, { ...x }])).toMatchObject({ requests: 2, duplicates: 1 });
  });

  it('detects a log clear within a batch and across batches, keeping both epochs', async () => {
    const store = createMemoryStore();
    const r = (id: number, t: number) => request({ host: 'h', time: t, cmid: `c${id}-${t}`, machine: 'M', recordId: id });
    // ids 1,2,3 then 1 at a later time: clear #1 (previous last id 3).
    expect(await store.writeBatch([r(1, AT - 10 * HOUR), r(2, AT - 9 * HOUR), r(3, AT - 8 * HOUR), r(1, AT - 7 * HOUR)])).toMatchObject({ requests: 4, logClears: 1 });
    // Next batch: id 2 continues epoch 1; id 1 again, later: clear #2 (previous last id 2).
    expect(await store.writeBatch([r(2, AT - 6 * HOUR), r(1, AT - 5 * HOUR)])).toMatchObject({ requests: 2, logClears: 1 });
    // Re-ingesting the first export adds nothing and detects nothing.
    expect(await store.writeBatch([r(1, AT - 10 * HOUR), r(2, AT - 9 * HOUR), r(3, AT - 8 * HOUR)])).toMatchObject({ requests: 0, duplicates: 3, logClears: 0 });
    expect(await store.logClears()).toEqual([
      { host: 'h', channel: 'Key Management Service', epoch: 1, detectedAt: AT - 7 * HOUR, previousLastRecordId: 3, firstRecordId: 1 },
      { host: 'h', channel: 'Key Management Service', epoch: 2, detectedAt: AT - 5 * HOUR, previousLastRecordId: 2, firstRecordId: 1 },
    ]);
    expect(await store.checkpoint('H', 'Key Management Service')).toMatchObject({ lastRecordId: 1, lastTime: AT - 5 * HOUR, epoch: 2 });
    expect((await store.totals(AT)).requests).toBe(6);
  });

  it('a bad record rejects the whole batch', async () => {
    const store = createMemoryStore();
    const good = request({ host: 'h', time: AT, cmid: 'a', machine: 'A', recordId: 1 });
    const bad = { ...good, recordId: 2, time: Number.NaN } as KmsRecord;
    await expect(store.writeBatch([good, bad])).rejects.toBeInstanceOf(StoreError);
    expect((await store.totals(AT)).requests).toBe(0);
    expect(await store.checkpoints()).toEqual([]);
  });
});

describe('memory store queries', () => {
  it('latestClients keeps the latest per (CMID, application) and filters it', async () => {
    const store = createMemoryStore();
    await store.writeBatch([
      request({ host: 'kms01', time: AT - 3 * DAY, cmid: 'a', machine: 'Alpha', licenseState: 2, isVm: true }),
      request({ host: 'KMS02', time: AT - DAY, cmid: 'a', machine: 'Alpha', licenseState: 1, isVm: true }),
      request({ host: 'kms01', time: AT - DAY, cmid: 'a', machine: 'Alpha', product: PRODUCTS.office2021 }),
      request({ host: 'kms01', time: AT + DAY, cmid: 'a', machine: 'Alpha', licenseState: 5 }),
    ]);
    const all = await store.latestClients(AT);
    // Windows: the AT − 1 d request (the AT + 1 d one is after AT), 2 requests, first seen AT − 3 d.
    expect(all.map((c) => [c.application, c.host, c.licenseState, c.requests, c.firstSeen])).toEqual([
      ['Office', 'kms01', 1, 1, AT - DAY],
      ['Windows', 'KMS02', 1, 2, AT - 3 * DAY],
    ]);
    expect((await store.latestClients(AT, { host: 'kms02' })).length).toBe(1);
    expect((await store.latestClients(AT, { vm: true })).map((c) => c.application)).toEqual(['Windows']);
    expect((await store.latestClients(AT, { search: 'LPH' })).length).toBe(2);
    expect((await store.latestClients(AT, { activationId: PRODUCTS.office2021.toUpperCase() })).length).toBe(1);
    expect((await store.latestClients(AT, { state: 2 })).length).toBe(0);
  });

  it('counts hosts case-insensitively in the window', async () => {
    const store = createMemoryStore();
    await store.writeBatch([
      request({ host: 'KMS01', time: AT - DAY, cmid: 'a', machine: 'A' }),
      request({ host: 'kms01', time: AT - DAY, cmid: 'b', machine: 'B', product: PRODUCTS.server2022 }),
    ]);
    // One host, one application; a and b → active 2, highest minimum 25.
    expect(await store.windowActive(AT - 30 * DAY, AT)).toEqual([{ host: 'KMS01', application: 'Windows', active: 2, maxMinimum: 25 }]);
    expect(await store.windowCounts(AT - 30 * DAY, AT)).toEqual([
      { host: 'KMS01', application: 'Windows', minimumCount: 25, clients: 1 },
      { host: 'KMS01', application: 'Windows', minimumCount: 5, clients: 1 },
    ]);
  });

  it('anomalies newest first with a total; clientRequests newest first', async () => {
    const store = createMemoryStore();
    await store.writeBatch([anomaly('h', AT - 2 * HOUR, 'one'), anomaly('h', AT - HOUR, 'two'), anomaly('h', AT - 3 * HOUR, 'three')]);
    const got = await store.anomalies(AT, 2);
    expect(got.total).toBe(3);
    expect(got.rows.map((r) => r.raw)).toEqual(['two', 'one']);

    await store.writeBatch([
      request({ host: 'h', time: AT - 2 * DAY, cmid: 'Z', machine: 'Z', recordId: 1 }),
      request({ host: 'h', time: AT - DAY, cmid: 'z', machine: 'Z', recordId: 2, result: 0xc004f06c }),
    ]);
    expect((await store.clientRequests('z', 10)).map((r) => r.resultHex)).toEqual(['0xC004F06C', '0x0']);
  });

  it('dailyActivity buckets by UTC day', async () => {
    const store = createMemoryStore();
    await store.writeBatch([
      request({ host: 'h', time: AT - DAY + HOUR, cmid: 'a', machine: 'A' }),
      request({ host: 'h', time: AT - DAY + 2 * HOUR, cmid: 'a', machine: 'A', recordId: 5 }),
      request({ host: 'h', time: AT - DAY + 3 * HOUR, cmid: 'b', machine: 'B', result: 0xc004f06c }),
      request({ host: 'h', time: AT - 2 * DAY, cmid: 'c', machine: 'C' }),
    ]);
    // Feb 28: a twice + b (failed) → 3 requests, 1 client with 0x0; Feb 27 00:00: c.
    expect(await store.dailyActivity('H', AT - 3 * DAY, AT)).toEqual([
      { host: 'h', application: 'Windows', day: AT - 2 * DAY, clients: 1, requests: 1 },
      { host: 'h', application: 'Windows', day: AT - DAY, clients: 1, requests: 3 },
    ]);
  });
});
