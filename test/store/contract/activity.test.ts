import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KmsRecord } from '../../../src/kms/types.js';
import type { Driver } from '../../../src/store/driver.js';
import { rebuildActivitySql } from '../../../src/store/queries/activity.js';
import { rebuildDailySql } from '../../../src/store/queries/daily-activity.js';
import { createMemoryStore } from '../../../src/store/memory.js';
import type { Store } from '../../../src/store/types.js';
import { request } from '../fixtures/records.js';
import { backendFactory, selectedBackends, type BackendFactory } from './backends.js';
import { FLEET_AT, fleetHistory } from './fleet.js';

/*
 * activity_spans (store/activity.ts) and daily_activity (store/daily.ts) answer the timeline.
 * activity_spans (store/activity.ts) answer the timeline's counts: activeSeries at N instants must
 * equal windowActive over each instant's own 30-day window, read from the requests (the exact
 * form). The spans a writer merges batch by batch must equal the SQL rebuild from the requests,
 * whatever the batch order.
 */
const DAY = 86_400_000;
const W = 30 * DAY;
const SPANS = 'SELECT host_id, application, cmid_id, start, stop, minimum FROM activity_spans ORDER BY host_id, application, cmid_id, start';
const DAILY = 'SELECT host_id, application, day, requests, clients FROM daily_activity ORDER BY host_id, application, day';
const text = (t: string) => ({ name: 'test', params: [], sqlite: t, postgres: t });

/**
 * Runs a client can fall into and out of, at the edges: a success exactly 30 days after the
 * previous (touching: one span), 30 days + 1 ms (a gap of 1 ms: two spans), a failure inside a gap
 * (never counted), a client that comes back after 50 days, and one seen on two hosts.
 */
function edgeCases(t0: number): KmsRecord[] {
  const c = (n: number) => `0000000${n}-0000-4000-8000-00000000ed9e`;
  let rec = 50_000;
  const r = (cmid: string, time: number, over: Partial<Parameters<typeof request>[0]> = {}) => request({ recordId: rec++, cmid, time, machine: `edge-${cmid.slice(0, 8)}`, ...over });
  return [
    r(c(1), t0), r(c(1), t0 + W), r(c(1), t0 + 2 * W),
    r(c(2), t0), r(c(2), t0 + W + 1),
    r(c(3), t0), r(c(3), t0 + 40 * DAY, { result: 0xc004f042 }), r(c(3), t0 + 50 * DAY),
    r(c(4), t0 + 5 * DAY), r(c(4), t0 + 5 * DAY, { host: 'KMS02.corp.example', recordId: 1 }),
  ];
}

/** Every backend's count at each instant from windowActive (the per-window exact form). */
async function expectedSeries(store: Store, first: number, step: number, count: number): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (let k = 0; k < count; k++) {
    const at = first + k * step;
    for (const row of await store.windowActive(at - W, at)) {
      const key = `${row.host.toLowerCase()}|${row.application}`;
      if (!out.has(key)) out.set(key, new Array<number>(count).fill(0));
      out.get(key)![k] = row.active;
    }
  }
  return out;
}

async function series(store: Store, first: number, step: number, count: number): Promise<Map<string, number[]>> {
  return new Map((await store.activeSeries(first, step, count)).map((r) => [`${r.host.toLowerCase()}|${r.application}`, r.active]));
}

for (const backend of selectedBackends()) {
  describe(`${backend}: activity spans`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('activeSeries equals windowActive at every instant, after batches out of order and repeated', async () => {
      const store = await factory.open();
      const history = [...fleetHistory(11), ...edgeCases(FLEET_AT - 100 * DAY)];
      const batches: KmsRecord[][] = [];
      for (let i = 0; i < history.length; i += 250) batches.push(history.slice(i, i + 250));
      // odd batches first, then even ones newest first, then a third of it again
      for (const b of batches.filter((_, i) => i % 2 === 1)) await store.writeBatch(b);
      for (const b of batches.filter((_, i) => i % 2 === 0).reverse()) await store.writeBatch(b);
      await store.writeBatch(history.slice(0, Math.floor(history.length / 3)));

      // daily instants over 150 days, and hourly ones at odd minutes around the edge cases
      for (const [first, step, count] of [[FLEET_AT - 140 * DAY, DAY, 150], [FLEET_AT - 100 * DAY - 7 * 60_000, 3_600_000 + 60_000, 1300]] as const) {
        const want = await expectedSeries(store, first, step, count);
        const got = await series(store, first, step, count);
        expect([...want.values()].flat().some((n) => n > 0)).toBe(true);
        expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));
      }
      await store.close();
    });

    it('the cap: the highest minimum count among the clients counted at each instant', async () => {
      const store = await factory.open();
      const t0 = FLEET_AT - 60 * DAY;
      // a server (5) counted from t0, a client edition (25) only between t0 + 10 d and its 30 days
      await store.writeBatch([
        request({ recordId: 1, cmid: '00000001-0000-4000-8000-000000000005', time: t0, minimumCount: 5 }),
        request({ recordId: 2, cmid: '00000001-0000-4000-8000-000000000005', time: t0 + 20 * DAY, minimumCount: 5 }),
        request({ recordId: 3, cmid: '00000002-0000-4000-8000-000000000025', time: t0 + 10 * DAY, minimumCount: 25 }),
      ]);
      const [row] = await store.activeSeries(t0, 10 * DAY, 6);
      // instants t0, +10, +20, +30, +40, +50 days: the server counts until t0 + 20 d + 30 d (so at
      // +20..+40, not +50); the client from +10 until +40 (excluded)
      expect(row.active).toEqual([1, 2, 2, 2, 1, 0]);
      expect(row.maxMinimum).toEqual([5, 25, 25, 25, 5, 0]);
      await store.close();
    });

    it('counts for a 30-day window equal the requests', async () => {
      // from the spans, and from the requests where a counted run mixes minimum counts (odd data:
      // a CMID asks for its edition's minimum every time); memory reads the requests
      const store = await factory.open();
      const memory = createMemoryStore();
      const t0 = FLEET_AT - 20 * DAY;
      const odd = '00000003-0000-4000-8000-0000000000dd';
      const plain = [...fleetHistory(2), request({ recordId: 80_001, cmid: odd, time: t0, minimumCount: 25 })];
      const mixed = [request({ recordId: 80_002, cmid: odd, time: t0 + DAY, minimumCount: 5 })];
      for (const batch of [plain, mixed]) {
        await store.writeBatch(batch);
        await memory.writeBatch(batch);
        for (const at of [t0 - DAY, t0 + 2 * DAY, FLEET_AT, FLEET_AT - 45 * DAY + 1]) {
          expect(await store.windowCounts(at - W, at)).toEqual(await memory.windowCounts(at - W, at));
          expect(await store.windowActive(at - W, at)).toEqual(await memory.windowActive(at - W, at));
        }
      }
      // after the odd request the client counts under 25 and under 5, and once in active
      const counts = (await store.windowCounts(t0 + 2 * DAY - W, t0 + 2 * DAY)).filter((r) => r.host === 'KMS01.corp.example' && r.application === 'Windows');
      expect(counts.map((r) => r.minimumCount)).toEqual([25, 5]);
      await store.close();
    });

    if (backend !== 'memory') {
      it('spans and days merged batch by batch equal the SQL rebuild from the requests', async () => {
        const store = await factory.open();
        const history = [...fleetHistory(3), ...edgeCases(FLEET_AT - 80 * DAY)];
        for (let i = history.length; i > 0; i -= 400) await store.writeBatch(history.slice(Math.max(0, i - 400), i));
        const db = (store as unknown as { db: Driver }).db;
        // a client served twice on one day, in two batches, and once more in an older batch
        const twice = '00000005-0000-4000-8000-0000000da11e';
        await store.writeBatch([request({ recordId: 70_001, cmid: twice, time: FLEET_AT - 3 * DAY })]);
        await store.writeBatch([request({ recordId: 70_002, cmid: twice, time: FLEET_AT - 3 * DAY + 3_600_000 })]);
        await store.writeBatch([request({ recordId: 70_000, cmid: twice, time: FLEET_AT - 3 * DAY - 3_600_000 })]);
        const merged = [await db.rows(text(SPANS)), await db.rows(text(DAILY))];
        expect(merged[0].length).toBeGreaterThan(50);
        expect(merged[1].length).toBeGreaterThan(50);
        let rebuilt: Record<string, unknown>[][] = [];
        const rollback = new Error('rollback');
        await db.transaction(async (tx) => {
          for (const statement of [...rebuildActivitySql, ...rebuildDailySql]) await tx.run(statement);
          rebuilt = [await tx.rows(text(SPANS)), await tx.rows(text(DAILY))];
          throw rollback;
        }).catch((err: unknown) => {
          if (err !== rollback && (err as { cause?: unknown }).cause !== rollback) throw err;
        });
        const normal = (tables: Record<string, unknown>[][]) => tables.map((t) => t.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v]))));
        expect(normal(merged)).toEqual(normal(rebuilt));
        await store.close();
      });

      it('dailyActivity equals the memory store over any range, whole days and parts of days', async () => {
        const store = await factory.open();
        const memory = createMemoryStore();
        const history = [...fleetHistory(5), ...edgeCases(FLEET_AT - 60 * DAY)];
        const batches: KmsRecord[][] = [];
        for (let i = 0; i < history.length; i += 300) batches.push(history.slice(i, i + 300));
        for (const b of [...batches.filter((_, i) => i % 3 === 2), ...batches.filter((_, i) => i % 3 !== 2).reverse()]) {
          await store.writeBatch(b);
          await memory.writeBatch(b);
        }
        const sorted = (rows: Awaited<ReturnType<Store['dailyActivity']>>) =>
          [...rows].sort((a, b) => a.day - b.day || a.host.toLowerCase().localeCompare(b.host.toLowerCase()) || a.application.localeCompare(b.application));
        const ranges: [string | null, number, number][] = [
          [null, FLEET_AT - 90 * DAY, FLEET_AT],
          [null, FLEET_AT - 90 * DAY - 7 * 3_600_000 - 1, FLEET_AT + 5 * 3_600_000 + 17],
          [null, Date.UTC(2026, 9, 1) - 1, Date.UTC(2026, 10, 1) - 1],
          [null, FLEET_AT - 2 * 3_600_000, FLEET_AT + 3_600_000],
          ['kms01.corp.example', FLEET_AT - 200 * DAY, FLEET_AT + DAY],
        ];
        for (const [host, from, to] of ranges) {
          const want = sorted(await memory.dailyActivity(host, from, to));
          expect(sorted(await store.dailyActivity(host, from, to))).toEqual(want);
        }
        expect((await memory.dailyActivity(null, FLEET_AT - 90 * DAY, FLEET_AT)).length).toBeGreaterThan(30);
        await store.close();
      });
    }
  });
}
