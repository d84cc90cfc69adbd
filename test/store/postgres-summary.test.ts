import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KmsRecord } from '../../src/kms/types.js';
import * as q from '../../src/store/queries/index.js';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.js';
import { fleetHistory } from './contract/fleet.js';
import { selectedBackends } from './contract/backends.js';
import { ThrowawayDatabase } from './contract/pg-database.js';
import { WINDOW_DAYS_BACKFILL } from '../../src/store/migrations/0700-postgres-window-days.js';

/*
 * PostgreSQL keeps request_hosts and window_days current in every batch; client_summary gets each
 * batch's fold (one delta row per client, postgres/summary-fold.ts) later: a writer merges the
 * folds of its committed batches in memory and upserts them with the rules of queries/summary.ts
 * when enough gathered, before it answers a query and on close; batches nobody wrote a fold for
 * are folded from the requests in SQL (postgres/summary-pending.ts). Once everything is stored,
 * with `at` at the newest request, the summary forms of the queries must give the rows the exact
 * forms read from the requests. The history goes in small out-of-order batches and then again
 * whole (all duplicates), so every rule runs (earliest, latest, ties, repeats), and every way the
 * summary can be written is tried: one writer's fold; a fold written every few batches onto rows
 * already there; two store instances at once, whose batches of the same hosts store their rows
 * concurrently and settle in turn; a writer that dies before writing its fold; and a reader that
 * folds a live writer's batches from the requests while it still writes, so that the writer finds
 * part of its fold done.
 */
const DAY = 86_400_000;

/**
 * The fleet plus one success at exactly midnight (a copy of a success 20 days before the end,
 * moved to the start of its day, with a record id of its own): the edge of a past window's end day.
 */
function historyWithMidnightSuccess(): { history: KmsRecord[]; midnight: number } {
  const history = fleetHistory();
  const end = Math.max(...history.map((r) => r.time));
  const base = history.find((r) => r.kind === 'request' && r.result === 0 && r.time < end - 20 * DAY && r.time % DAY !== 0);
  if (base === undefined || base.kind !== 'request') throw new Error('the fleet has no success 20 days before its end');
  const midnight = Math.floor(base.time / DAY) * DAY;
  return { history: [...history, { ...base, time: midnight, recordId: 9_000_001 }], midnight };
}

const listed = async (store: PostgresStore): Promise<number> => Number((await store.pool.query('SELECT COUNT(*) AS n FROM summary_pending')).rows[0].n);
const summaryRows = async (store: PostgresStore): Promise<number> => Number((await store.pool.query('SELECT COUNT(*) AS n FROM client_summary')).rows[0].n);

/** The history in batches of `size` records, the newest batch first. */
function batchesOf(history: KmsRecord[], size: number): KmsRecord[][] {
  const batches: KmsRecord[][] = [];
  for (let end = history.length; end > 0; end -= size) batches.push(history.slice(Math.max(0, end - size), end));
  return batches;
}

const ways = {
  'one writer': async (url: string, history: KmsRecord[]) => {
    const store = await openPostgresStore(url);
    for (const batch of batchesOf(history, 97)) await store.writeBatch(batch);
    expect((await store.writeBatch(history)).requests).toBe(0);
    // the whole fold is still in memory: nothing in client_summary, every batch listed
    expect(await summaryRows(store)).toBe(0);
    expect(await listed(store)).toBeGreaterThan(5);
    await store.writeSummary();
    expect(await listed(store)).toBe(0);
    return store;
  },
  'a fold written every few batches': async (url: string, history: KmsRecord[]) => {
    // 300 requests: a flush every third or fourth batch, onto the rows the flushes before wrote
    const store = await openPostgresStore(url, { summaryFlush: { requests: 300, keys: 1e9 } });
    let flushes = 0;
    for (const batch of batchesOf(history, 97)) {
      const before = await listed(store);
      await store.writeBatch(batch);
      if ((await listed(store)) < before) flushes++;
    }
    expect(flushes).toBeGreaterThan(3);
    await store.writeSummary();
    return store;
  },
  'two writers at once': async (url: string, history: KmsRecord[]) => {
    const a = await openPostgresStore(url);
    const b = await openPostgresStore(url);
    const next = batchesOf(history, 61).entries();
    const worker = async (store: PostgresStore) => {
      for (let n = next.next(); !n.done; n = next.next()) await store.writeBatch(n.value[1]);
    };
    await Promise.all([worker(a), worker(b)]);
    await b.close();
    expect((await a.writeBatch(history)).requests).toBe(0);
    await a.writeSummary();
    return a;
  },
  'a writer that dies before writing its fold': async (url: string, history: KmsRecord[]) => {
    const dead = await openPostgresStore(url);
    for (const batch of batchesOf(history, 97)) await dead.writeBatch(batch);
    // its connections end, its fold is lost: as when the process is killed
    await dead.pool.end();
    const store = await openPostgresStore(url);
    expect(await listed(store)).toBeGreaterThan(5);
    expect(await summaryRows(store)).toBe(0);
    // the first question that needs client_summary folds the listed batches from the requests
    await store.totals(Date.now());
    expect(await listed(store)).toBe(0);
    return store;
  },
  'a reader that folds a live writer\'s batches': async (url: string, history: KmsRecord[]) => {
    const writer = await openPostgresStore(url);
    const reader = await openPostgresStore(url);
    const batches = batchesOf(history, 97);
    const half = Math.floor(batches.length / 2);
    for (const batch of batches.slice(0, half)) await writer.writeBatch(batch);
    await reader.latestClients(Date.now());
    expect(await listed(reader)).toBe(0);
    expect(await summaryRows(reader)).toBeGreaterThan(0);
    for (const batch of batches.slice(half)) await writer.writeBatch(batch);
    expect(await listed(writer)).toBeGreaterThan(0);
    // part of its fold is in client_summary already: it folds the rest from the requests
    await writer.writeSummary();
    expect(await listed(writer)).toBe(0);
    await writer.close();
    return reader;
  },
} as const;

for (const [way, write] of Object.entries(ways)) {
  describe.runIf(selectedBackends().includes('postgres'))(`postgres: summaries equal the exact scans (${way})`, () => {
    let db: ThrowawayDatabase;
    let store: PostgresStore;
    let at: number;
    const { history, midnight: midnightSuccess } = historyWithMidnightSuccess();

    beforeAll(async () => {
      db = await ThrowawayDatabase.create();
      store = await write(await db.freshSchemaUrl(), history);
      at = Number((await store.pool.query('SELECT MAX(time) AS t FROM requests')).rows[0].t);
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    });

    const run = async <Row>(query: q.Query<Row>, params: Record<string, unknown>): Promise<Row[]> => {
      const res = await store.pool.query(query.postgres, q.positionalParams(query as q.Query<unknown>, params));
      return res.rows.map((r) => query.mapRow(r as q.RawRow));
    };

    it('every request of the history is stored once', async () => {
      const requests = history.filter((r) => r.kind === 'request').length;
      const stored = Number((await store.pool.query('SELECT COUNT(*) AS n FROM requests')).rows[0].n);
      // the fleet repeats some events on purpose (the same event from two exports)
      expect(stored).toBeGreaterThan(requests * 0.9);
      expect(stored).toBeLessThanOrEqual(requests);
      const summed = Number((await store.pool.query('SELECT SUM(requests) AS n FROM client_summary')).rows[0].n);
      expect(summed).toBe(stored);
    });

    it('totals, host activity, products, clones and clients', async () => {
      expect(await run(q.totalsSummaryQuery, { at })).toEqual(await run(q.totalsQuery, { at }));
      expect(await run(q.hostActivitySummaryQuery, { at })).toEqual(await run(q.hostActivityQuery, { at }));
      expect(await run(q.productsSummaryQuery, {})).toEqual(await run(q.productsQuery, { at }));
      expect(await run(q.cloneNamesSummaryQuery, {})).toEqual(await run(q.cloneNamesQuery, { at }));
      const exact = await run(q.latestClientsQuery, q.latestClientsParams(at, {}));
      expect(exact.length).toBeGreaterThan(10);
      expect(await store.latestClients(at)).toEqual(exact);
    });

    it('window counts for windows ending at the newest request', async () => {
      for (const days of [1, 7, 30, 400]) {
        const from = at - days * DAY;
        const params = { from, to: at, ...q.secondBounds(from, at) };
        expect(await run(q.windowCountsSummaryQuery, params)).toEqual(await run(q.windowCountsQuery, params));
        expect(await run(q.windowActiveSummaryQuery, params)).toEqual(await run(q.windowActiveQuery, params));
      }
    });

    // window_days (migration 0700) holds the successes per day; the first day of a window is
    // counted from the times kept with each CMID: windows starting at, just before and just after
    // a success, mid-day and at midnight, must all give the exact rows
    const windowStarts = async (): Promise<number[]> => {
      const res = await store.pool.query('SELECT time FROM requests WHERE result = 0 ORDER BY time DESC LIMIT 40');
      const times = res.rows.map((r) => Number(r.time)).filter((_, i) => i % 8 === 3);
      const midnight = Math.floor((at - 3 * DAY) / DAY) * DAY;
      return [
        ...times.flatMap((t) => [t - 1, t, t + 1]),
        midnight - 1, midnight, midnight + 1,
        ...[0.5, 1, 3.25, 7, 29.999, 30, 400].map((days) => at - Math.round(days * DAY)),
      ];
    };

    it('window answers from window_days equal the exact scans, wherever the window starts', async () => {
      const starts = await windowStarts();
      let nonEmpty = 0;
      for (const from of starts) {
        const params = { from, to: at, ...q.secondBounds(from, at) };
        const [active, counts] = await Promise.all([store.windowActive(from, at), store.windowCounts(from, at)]);
        expect(active).toEqual(await run(q.windowActiveQuery, params));
        expect(counts).toEqual(await run(q.windowCountsQuery, params));
        if (counts.length > 0) nonEmpty++;
      }
      expect(nonEmpty).toBeGreaterThan(starts.length / 2);
    });

    // A window that ends before the newest request (report --at) counts its whole days from
    // window_days and the day it ends in from the requests: ends at, just before and just after a
    // success in the middle of the history, around midnight, and windows inside one day
    const pastWindows = async (): Promise<[number, number][]> => {
      const res = await store.pool.query('SELECT time FROM requests WHERE result = 0 AND time < $1 ORDER BY time DESC LIMIT 400', [at - 5 * DAY]);
      const times = res.rows.map((r) => Number(r.time)).filter((_, i) => i % 50 === 7);
      const midnight = Math.floor((at - 9 * DAY) / DAY) * DAY;
      const ends = [...[...times, midnightSuccess].flatMap((t) => [t - 1, t, t + 1]), midnight - 1, midnight, midnight + 1, midnight + DAY / 2];
      return ends.flatMap((to): [number, number][] => [
        [to - 30 * DAY, to],
        [to - 3 * DAY - 1234, to],
        [to - 2 * 3_600_000, to],
        [Math.floor(to / DAY) * DAY - 1, to],
      ]);
    };

    it('past windows from window_days and the end day\'s requests equal the exact scans', async () => {
      const windows = await pastWindows();
      expect(windows.every(([, to]) => to < at)).toBe(true);
      let nonEmpty = 0;
      for (const [from, to] of windows) {
        const params = { from, to, ...q.secondBounds(from, to) };
        const [active, counts] = await Promise.all([store.windowActive(from, to), store.windowCounts(from, to)]);
        expect(active).toEqual(await run(q.windowActiveQuery, params));
        expect(counts).toEqual(await run(q.windowCountsQuery, params));
        if (counts.length > 0) nonEmpty++;
      }
      expect(nonEmpty).toBeGreaterThan(windows.length / 2);
    });

    it('a report asking for both window answers at once gets the exact rows from one scan', async () => {
      const from = at - 30 * DAY;
      const params = { from, to: at, ...q.secondBounds(from, at) };
      // count the scans the store sends while both answers are asked for together
      let scans = 0;
      const query = store.pool.query.bind(store.pool);
      const spy = (...args: unknown[]) => {
        const first = args[0] as { name?: string } | string;
        if (typeof first === 'object' && first.name === 'kmswatch_windowDays') scans++;
        return (query as (...a: unknown[]) => unknown)(...args);
      };
      (store.pool as { query: unknown }).query = spy;
      try {
        // no earlier test asked the store itself for a window, so no kept scan answers this one
        const [active, counts] = await Promise.all([store.windowActive(from, at), store.windowCounts(from, at)]);
        expect(scans).toBe(1);
        expect(active).toEqual(await run(q.windowActiveQuery, params));
        expect(counts).toEqual(await run(q.windowCountsQuery, params));
      } finally {
        (store.pool as { query: unknown }).query = query;
      }
    });

    it('window_days rebuilt from the requests (the migration backfill) gives the same answers', async () => {
      const starts = await windowStarts();
      const answers = async () => {
        const out: unknown[] = [];
        // a window end 1 ms later than any asked before: the store keeps its last answer
        for (const from of starts) out.push(await Promise.all([store.windowActive(from, at + 1), store.windowCounts(from, at + 1)]));
        return out;
      };
      const appended = await answers();
      const rows = Number((await store.pool.query('SELECT COUNT(*) AS n FROM window_days')).rows[0].n);
      await store.pool.query('TRUNCATE window_days');
      await store.pool.query(WINDOW_DAYS_BACKFILL);
      // one row per day, host, product and minimum count either way
      expect(Number((await store.pool.query('SELECT COUNT(*) AS n FROM window_days')).rows[0].n)).toBe(rows);
      (store as unknown as { lastWindowScan: unknown }).lastWindowScan = undefined;
      expect(await answers()).toEqual(appended);
      // the rebuilt rows keep each CMID's newest success of the day only: past windows ending
      // mid-day must still give the exact rows
      for (const [from, to] of await pastWindows()) {
        const params = { from, to, ...q.secondBounds(from, to) };
        const [active, counts] = await Promise.all([store.windowActive(from, to), store.windowCounts(from, to)]);
        expect(active).toEqual(await run(q.windowActiveQuery, params));
        expect(counts).toEqual(await run(q.windowCountsQuery, params));
      }
    });
  });
}

describe.runIf(selectedBackends().includes('postgres'))('postgres: a session that may not write', () => {
  let db: ThrowawayDatabase;
  beforeAll(async () => {
    db = await ThrowawayDatabase.create();
  });
  afterAll(async () => db?.drop());

  it('answers from the requests alone while batches wait to be folded, and leaves them listed', async () => {
    const url = await db.freshSchemaUrl();
    const history = fleetHistory();
    const dead = await openPostgresStore(url);
    for (const batch of batchesOf(history, 97)) await dead.writeBatch(batch);
    await dead.pool.end();

    const readOnlyUrl = new URL(url);
    readOnlyUrl.searchParams.set('options', `${readOnlyUrl.searchParams.get('options')} -c default_transaction_read_only=on`);
    const reader = await openPostgresStore(readOnlyUrl.toString(), { migrate: false });
    const store = await openPostgresStore(url);
    try {
      const at = Number((await store.pool.query('SELECT MAX(time) AS t FROM requests')).rows[0].t);
      const ask = (s: PostgresStore, when: number) =>
        Promise.all([s.totals(when), s.hostActivity(when), s.clones(when), s.latestClients(when), s.products(when)]);
      const listedBefore = await listed(store);
      expect(listedBefore).toBeGreaterThan(5);
      const readOnly = [await ask(reader, at), await ask(reader, at - 20 * DAY)];
      // it could fold nothing: the batches are still listed, client_summary still empty
      expect(await listed(store)).toBe(listedBefore);
      expect(await summaryRows(store)).toBe(0);
      // a session that may write folds them, then answers from client_summary: the same rows
      const folded = [await ask(store, at), await ask(store, at - 20 * DAY)];
      expect(await listed(store)).toBe(0);
      expect(readOnly).toEqual(folded);
      expect(folded[0][3].length).toBeGreaterThan(10);
    } finally {
      await reader.close();
      await store.close();
    }
  });
});
