import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as q from '../../src/store/queries/index.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { fleetHistory } from './contract/fleet.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/*
 * The summary tables (client_summary, request_hosts) are maintained as requests are stored; the
 * exact queries read every stored request. Once everything is stored, with `at` at or after the
 * newest request, both must give the same rows. The history is written in small, out-of-order
 * batches with repeats so that every merge rule (earliest, latest, ties, duplicates) runs, and
 * client_summary is brought up to date in each of the three ways the SQLite writer has
 * (sqlite/summary-sync.ts):
 *   - upserts after every batch (the SQL merge rules of queries/summary.ts across batches);
 *   - the batches folded in memory and upserted once (summary-delta.ts merge rules);
 *   - nothing folded: a writer that died before writing its fold, caught up in SQL by the next
 *     process that reads.
 */
const DAY = 86_400_000;

const modes = ['upsert per batch', 'folded in memory', 'caught up in SQL'] as const;

for (const mode of modes) describe(`sqlite: summaries equal the exact scans (${mode})`, () => {
  let store: SqliteStore;
  let at: number;
  let dir: string;
  const history = fleetHistory();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-summary-'));
    const file = path.join(dir, 'store.db');
    const writer = await openSqliteStore(file);
    // batches of 97 from the end backwards, then the whole history again (all duplicates)
    for (let end = history.length; end > 0; end -= 97) {
      await writer.writeBatch(history.slice(Math.max(0, end - 97), end));
      if (mode === 'upsert per batch') expect(writer.syncSummary()).toBe(true);
    }
    expect((await writer.writeBatch(history)).requests).toBe(0);
    if (mode === 'caught up in SQL') {
      // the writer's fold is lost with it; its requests are stored
      writer.db.close();
      store = await openSqliteStore(file);
      expect(store.db.prepare('SELECT upto FROM summary_mark').pluck().get()).toBe(0);
    } else {
      store = writer;
    }
    expect(store.syncSummary()).toBe(true);
    const stored = store.db.prepare('SELECT MAX(id) FROM requests').pluck().get();
    expect(store.db.prepare('SELECT upto FROM summary_mark').pluck().get()).toBe(stored);
    at = store.db.prepare('SELECT MAX(time) FROM requests').pluck().get() as number;
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = <Row>(query: q.Query<Row>, params: Record<string, unknown>): Row[] => {
    const named = Object.fromEntries(query.params.map((p) => [p, typeof params[p] === 'boolean' ? Number(params[p]) : params[p]]));
    const stmt = store.db.prepare(query.sqlite);
    return (query.params.length ? stmt.all(named) : stmt.all()).map((r) => query.mapRow(r as q.RawRow));
  };
  const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();

  it('the store is in the state where the summaries apply', () => {
    expect(q.summaryCovers(run(q.newestRequestQuery, {})[0], at)).toBe(true);
    expect(q.summaryCovers(run(q.newestRequestQuery, {})[0], at - 1)).toBe(false);
    expect(run(q.cloneNamesQuery, { at }).length).toBeGreaterThan(0);
  });

  it('totals, host activity, products, clones and clients', async () => {
    expect(run(q.totalsSummaryQuery, { at })).toEqual(run(q.totalsQuery, { at }));
    expect(run(q.hostActivitySummaryQuery, { at })).toEqual(run(q.hostActivityQuery, { at }));
    expect(run(q.productsSummaryQuery, {})).toEqual(run(q.productsQuery, { at }));
    expect(run(q.cloneNamesSummaryQuery, {})).toEqual(run(q.cloneNamesQuery, { at }));
    for (const filter of [{}, { search: 'clone', vm: true }, { application: 'Office' as const }, { host: 'KMS-A.corp.example' }]) {
      // the store answers from client_summary (folded in JS); same rows in the same order
      const exact = run(q.latestClientsQuery, q.latestClientsParams(at, filter));
      if (Object.keys(filter).length === 0) expect(exact.length).toBeGreaterThan(10);
      expect(await store.latestClients(at, filter)).toEqual(exact);
    }
  });

  it('before the newest request: the past forms (summaries minus what came after) equal the exact scans', async () => {
    const first = store.db.prepare('SELECT MIN(time) FROM requests').pluck().get() as number;
    // instants inside the history: on a request, just before and after one, between, before all
    const times = store.db.prepare('SELECT time FROM requests ORDER BY time').pluck().all() as number[];
    const instants = [first - 1, first, times[Math.floor(times.length / 3)], times[Math.floor(times.length / 2)] + 1, at - 1, at - 3 * DAY];
    for (const t of instants) {
      expect(await store.totals(t)).toEqual(run(q.totalsQuery, { at: t })[0]);
      expect(await store.hostActivity(t)).toEqual(run(q.hostActivityQuery, { at: t }));
      expect(await store.clones(t)).toEqual(q.collectClones(run(q.cloneNamesQuery, { at: t })));
      expect(await store.products(t)).toEqual(run(q.productsQuery, { at: t }));
      expect(await store.latestClients(t)).toEqual(run(q.latestClientsQuery, q.latestClientsParams(t)));
      // windows before the newest request are counted from their requests (queries/window-scan.ts)
      const params = { from: t - 30 * DAY, to: t, ...q.secondBounds(t - 30 * DAY, t) };
      expect(await store.windowCounts(params.from, t)).toEqual(run(q.windowCountsQuery, params));
      expect(await store.windowActive(params.from, t)).toEqual(run(q.windowActiveQuery, params));
    }
  });

  it('window counts for windows ending at the newest request', async () => {
    for (const days of [1, 7, 30, 400]) {
      const from = at - days * DAY;
      const params = { from, to: at, ...q.secondBounds(from, at) };
      expect(run(q.windowCountsSummaryQuery, params)).toEqual(run(q.windowCountsQuery, params));
      expect(run(q.windowActiveSummaryQuery, params)).toEqual(run(q.windowActiveQuery, params));
      // the store counts the summary rows in JS (queries/window-scan.ts): the same rows, same order
      expect(await store.windowCounts(from, at)).toEqual(run(q.windowCountsQuery, params));
      expect(await store.windowActive(from, at)).toEqual(run(q.windowActiveQuery, params));
    }
  });
});
