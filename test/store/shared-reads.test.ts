/**
 * withSharedReads (src/store/shared-reads.ts): the report and the alert rules of one overview read
 * the same counts and counted successes once; the answers are those of the plain store.
 */
import { describe, expect, it } from 'vitest';
import { alertRulesSchema } from '../../src/alerts/config.js';
import { currentAlerts } from '../../src/alerts/run.js';
import { buildReport } from '../../src/analysis/report.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { withSharedReads } from '../../src/store/shared-reads.js';
import type { Store } from '../../src/store/types.js';
import { overviewFromReport } from '../../src/web/overview.js';
import { AT, DAY, HOUR, hostEvent, req } from '../alerts/records.js';

function fleet(): Store {
  const store = createMemoryStore();
  void store.writeBatch([
    ...Array.from({ length: 30 }, (_, i) => req('kms01', AT - (i + 1) * HOUR, `w-${i}`, `PC${i}`, { licenseState: i < 3 ? 5 : 1, minutesLeft: i < 3 ? 0 : 249_120 })),
    ...Array.from({ length: 4 }, (_, i) => req('kms02', AT - 2 * DAY, `s-${i}`, `S${i}`, { result: 0xc004f06c })),
    hostEvent('kms02', AT - DAY, 'dns-publish-failed', { domain: 'contoso.com', resultHex: '0x8007232A' }),
  ]);
  return store;
}

/** Counts each store call by name. */
function counting(store: Store): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: wrapped, calls };
}

async function overview(store: Store) {
  const rules = alertRulesSchema.parse({});
  const [report, alerts] = await Promise.all([
    buildReport(store, { at: AT, timezone: 'UTC', anomalyLimit: 0 }),
    currentAlerts(store, AT, rules).then((list) => list.map(({ clients, ...c }) => ({ ...c, clients: clients.length }))),
  ]);
  return overviewFromReport(report, alerts);
}

describe('withSharedReads', () => {
  it('an overview reads the shared questions once, and answers as the plain store does', async () => {
    const plain = counting(fleet());
    const shared = counting(fleet());
    const expected = await overview(plain.store);
    const got = await overview(withSharedReads(shared.store));
    expect(got).toEqual(expected);
    // no count is low: neither the report nor the rules read every client for it; the memory store
    // has no clientOverview, so client-overview.ts counts from the latest clients: once either way
    expect([plain.calls.get('latestClients'), shared.calls.get('latestClients')]).toEqual([1, 1]);
    // the report's margins and the rules' forecast ask for the same newest counted successes, and
    // both for the window's counts: twice plain, once shared
    expect([plain.calls.get('countedNewest'), shared.calls.get('countedNewest')]).toEqual([2, 1]);
    expect([plain.calls.get('windowActive'), shared.calls.get('windowActive')]).toEqual([2, 1]);
  });

  it('other arguments and other methods still reach the store', async () => {
    const { store, calls } = counting(fleet());
    const view = withSharedReads(store);
    await view.latestClients(AT);
    await view.latestClients(AT - DAY);
    await view.latestClients(AT);
    await view.totals(AT);
    await view.totals(AT);
    expect([calls.get('latestClients'), calls.get('totals')]).toEqual([2, 2]);
  });
});
