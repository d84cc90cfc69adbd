import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as q from '../../src/store/queries/index.js';
import { latestClientsPast, pastClientsSql, type PastClientsSource } from '../../src/store/queries/latest-clients.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { fleetHistory } from './contract/fleet.js';

/*
 * latestClients for an `at` before the newest request (the past form: client_summary minus the
 * requests after `at`, stale clients re-read) must give exactly the rows of the exact query that
 * ranks every request up to `at` (latestClientsQuery), for every `at` around the stored times.
 */
describe('sqlite: latestClients in the past equals the exact ranking', () => {
  let store: SqliteStore;
  let times: number[];
  const history = fleetHistory();

  beforeAll(async () => {
    store = await openSqliteStore(':memory:');
    for (let end = history.length; end > 0; end -= 97) await store.writeBatch(history.slice(Math.max(0, end - 97), end));
    times = (store.db.prepare('SELECT DISTINCT time FROM requests ORDER BY time').pluck().all() as number[]);
  });
  afterAll(async () => store?.close());

  const exact = (at: number, filter = {}) => {
    const params = q.latestClientsParams(at, filter);
    const named = Object.fromEntries(q.latestClientsQuery.params.map((p) => [p, typeof params[p] === 'boolean' ? Number(params[p]) : params[p]]));
    return store.db.prepare(q.latestClientsQuery.sqlite).all(named).map((r) => q.latestClientsQuery.mapRow(r as q.RawRow));
  };
  /** Each `at`: a stored time, just before it, and far before and after everything. */
  const instants = () => {
    const step = Math.max(1, Math.floor(times.length / 10));
    const out = [times[0] - 1, times[0] - 86_400_000 * 400];
    for (let i = 0; i < times.length; i += step) out.push(times[i], times[i] - 1);
    out.push(times[times.length - 2]);
    return out;
  };

  it('through the store, with and without filters', async () => {
    expect(times.length).toBeGreaterThan(20);
    for (const at of instants()) {
      for (const filter of [{}, { search: 'clone', vm: true }, { application: 'Office' as const }, { host: 'KMS-A.corp.example' }]) {
        expect(await store.latestClients(at, filter)).toEqual(exact(at, filter));
      }
    }
  });

  it('when the time windows find nothing and every stale client is read by CMID', async () => {
    const raw = (sql: string, params: Record<string, unknown> = {}) => store.db.prepare(sql).raw(true).all(params) as unknown[][];
    let byCmidCalls = 0;
    const source: PastClientsSource = {
      lookups: async () => q.summaryLookups(store.db.prepare(q.summaryHostsSql.sqlite).all() as q.RawRow[], store.db.prepare(q.summaryProductsSql.sqlite).all() as q.RawRow[]),
      summaryRows: async () => raw(pastClientsSql.summary),
      afterCounts: async (fromSecond, toSecond, at) => raw(pastClientsSql.sqlite.afterCounts, { fromSecond, toSecond, at }),
      window: async () => [],
      byCmids: async (ids, at) => {
        byCmidCalls++;
        return raw(pastClientsSql.sqlite.byCmids, { ids: JSON.stringify(ids), at });
      },
    };
    for (const at of instants()) expect(await latestClientsPast(source, q.latestClientsParams(at))).toEqual(exact(at));
    expect(byCmidCalls).toBeGreaterThan(0);
  });
});
