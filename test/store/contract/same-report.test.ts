import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/analysis/report.js';
import type { Store } from '../../../src/store/types.js';
import { backendFactory, selectedBackends, type BackendFactory, type BackendName } from './backends.js';
import { FLEET_AT, fleetHistory } from './fleet.js';

/*
 * The same inputs give the same answers on every backend: the whole report (buildReport) and the
 * queries the report does not use. Needs at least two backends in BACKENDS.
 */
const backends = selectedBackends();
const DAY = 86_400_000;

describe.runIf(backends.length >= 2)(`same inputs, same answers (${backends.join(', ')})`, () => {
  const factories: BackendFactory[] = [];
  const stores = new Map<BackendName, Store>();
  const history = fleetHistory();

  beforeAll(async () => {
    for (const name of backends) {
      const factory = await backendFactory(name);
      factories.push(factory);
      const store = await factory.open();
      // batches of 250 in export order, then the first 500 again (a re-ingest)
      for (let i = 0; i < history.length; i += 250) await store.writeBatch(history.slice(i, i + 250));
      await store.writeBatch(history.slice(0, 500));
      stores.set(name, store);
    }
  });
  afterAll(async () => {
    await Promise.all(factories.map((f) => f.dispose()));
  });

  /** Everything the comparison looks at, from one store. */
  async function answers(s: Store) {
    const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
    const cmids = [...new Set(history.flatMap((r) => (r.kind === 'request' ? [r.cmid] : [])))].slice(0, 20);
    return {
      reportAt: await buildReport(s, { at: FLEET_AT, timezone: 'UTC' }),
      reportEarlier: await buildReport(s, { at: FLEET_AT - 20 * DAY, timezone: 'UTC' }),
      checkpoints: sorted((await s.checkpoints()).map(({ updatedAt: _u, ...c }) => c)),
      logClears: await s.logClears(),
      daily: sorted(await s.dailyActivity(null, FLEET_AT - 40 * DAY, FLEET_AT)),
      dailyOneHost: sorted(await s.dailyActivity('kms-a.CORP.example', FLEET_AT - 40 * DAY, FLEET_AT)),
      histories: await Promise.all(cmids.map((c) => s.clientRequests(c, 5))),
      filtered: sorted(await s.latestClients(FLEET_AT, { search: 'clone', vm: true })),
    };
  }

  it('the dataset exercises what it should', async () => {
    const store = stores.values().next().value as Store;
    expect((await store.clones(FLEET_AT)).length).toBeGreaterThan(0);
    expect((await store.logClears()).length).toBeGreaterThan(0);
    expect((await store.failures(FLEET_AT - 30 * DAY, FLEET_AT)).length).toBeGreaterThan(0);
  });

  // each backend against the first one named in BACKENDS, field by field so a diff says where
  for (const name of backends.slice(1)) {
    it(`${name} answers as ${backends[0]} does`, async () => {
      const reference = await answers(stores.get(backends[0])!);
      const mine = await answers(stores.get(name)!);
      for (const key of Object.keys(reference) as (keyof typeof reference)[]) {
        expect({ [key]: mine[key] }).toEqual({ [key]: reference[key] });
      }
    });
  }
});
