import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOverview } from '../../../src/store/client-overview.js';
import type { Store } from '../../../src/store/types.js';
import { backendFactory, selectedBackends, type BackendFactory, type BackendName } from './backends.js';
import { FLEET_AT, fleetHistory } from './fleet.js';

/*
 * Every question as of past instants. The SQL stores answer "as of now" from their summaries and
 * a past instant by correcting them with the requests after it (the queries' past forms, several
 * of which scan time windows backwards and fall back to one client's requests); the memory store
 * scans every stored event each time. Instants run over the whole history, from before its first
 * event to after its last, at odd offsets (inside a second, at an event's exact time).
 */
const backends = selectedBackends();
const DAY = 86_400_000;

describe.runIf(backends.length >= 2 && backends.includes('memory'))(`past instants: every backend answers as memory does (${backends.join(', ')})`, () => {
  const factories: BackendFactory[] = [];
  const stores = new Map<BackendName, Store>();
  const history = fleetHistory(11);
  const requestTimes = history.filter((r) => r.kind === 'request').map((r) => r.time);
  const instants = [
    FLEET_AT - 80 * DAY,
    ...Array.from({ length: 14 }, (_, i) => FLEET_AT - 72 * DAY + i * 5.3 * DAY),
    requestTimes[Math.floor(requestTimes.length / 3)],
    requestTimes[Math.floor(requestTimes.length / 2)] - 1,
    FLEET_AT,
    FLEET_AT + 40 * DAY,
  ].map(Math.floor);

  beforeAll(async () => {
    for (const name of backends) {
      const factory = await backendFactory(name);
      factories.push(factory);
      const store = await factory.open();
      for (let i = 0; i < history.length; i += 400) await store.writeBatch(history.slice(i, i + 400));
      stores.set(name, store);
    }
  });
  afterAll(async () => {
    await Promise.all(factories.map((f) => f.dispose()));
  });

  async function answers(s: Store, at: number) {
    const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
    const bounds = { lapsedBefore: at - 45 * DAY, overdueBefore: at - 8 * DAY, expiringBy: at + 14 * DAY };
    const overview = await clientOverview(s, at, bounds);
    return {
      totals: await s.totals(at),
      hosts: await s.hostActivity(at),
      counts: sorted(await s.windowCounts(at - 30 * DAY, at)),
      active: sorted(await s.windowActive(at - 30 * DAY, at)),
      clones: await s.clones(at),
      products: sorted(await s.products(at)),
      clients: sorted(await s.latestClients(at)),
      office: sorted(await s.latestClients(at, { application: 'Office' })),
      overview: { states: sorted(overview.states), lapsed: sorted(overview.lapsed), expiring: sorted(overview.expiring) },
    };
  }

  it('the instants cover an empty store, the history and after it', async () => {
    const memory = stores.get('memory')!;
    expect((await memory.totals(instants[0])).requests).toBe(0);
    expect((await memory.totals(instants[instants.length - 1])).requests).toBe(requestTimes.length);
    const middle = (await memory.totals(instants[8])).requests;
    expect(middle).toBeGreaterThan(0);
    expect(middle).toBeLessThan(requestTimes.length);
  });

  for (const name of backends.filter((b) => b !== 'memory')) {
    it(`${name} answers as memory does at every instant`, async () => {
      for (const at of instants) {
        expect({ at: new Date(at).toISOString(), ...(await answers(stores.get(name)!, at)) })
          .toEqual({ at: new Date(at).toISOString(), ...(await answers(stores.get('memory')!, at)) });
      }
    });
  }
});
