/**
 * The alert rules read only the clients they can name (src/alerts/facts.ts clientsTheRulesName,
 * Store.selectedClients) unless a count is low: on the analysis fleet, at three instants, on the
 * memory store and SQLite, every rule gives the same alerts from those as from every client.
 */
import { describe, expect, it } from 'vitest';
import { evaluateRules } from '../../src/alerts/evaluate.js';
import { gatherFacts } from '../../src/alerts/facts.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { AT, DAY, HOUR, fleetRecords, request } from '../analysis/fleet.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { onlyRules } from './evaluate.js';

// every rule that names clients, the failure spike and clones sensitive enough to fire on the fleet
const RULES = onlyRules(['notification', 'expiring', 'clone', 'failureSpike', 'unknownProduct', 'forecast'], {
  failureSpike: { minRequests: 1, minMachines: 1, hours: 24 * 40 },
  clone: { lookbackDays: 60 },
  expiring: { days: 11 },
});

// the fleet and one client of an Activation ID missing from the product table
const records = () => [
  ...fleetRecords(),
  request({ host: 'kms01', time: AT - 2 * HOUR, cmid: 'u-1', machine: 'PC-UNKNOWN', product: '99999999-0000-4000-8000-000000000001', recordId: null }),
];

async function compare(store: Store, at: number) {
  const facts = await gatherFacts(store, at, RULES);
  const selected = evaluateRules(facts, RULES);
  const everyClient = evaluateRules({ ...facts, clients: await store.latestClients(at) }, RULES);
  return { selected, everyClient, read: facts.clients.length, all: (await store.latestClients(at)).length };
}

describe('alert rules on the selected clients', () => {
  it.each([AT, AT - 5 * DAY, AT + 10 * DAY])('give the alerts of every client, at %i (memory, SQLite)', async (at) => {
    const sqlite = await openStore(':memory:');
    try {
      await sqlite.writeBatch(records());
      const memory = createMemoryStore();
      await memory.writeBatch(records());
      for (const store of [memory, sqlite]) {
        const { selected, everyClient, read, all } = await compare(store, at);
        expect(selected).toEqual(everyClient);
        // the comparison means something: as of AT each client-naming rule fires and names clients …
        for (const rule of at === AT ? ['notification', 'expiring', 'clone', 'failure-spike', 'unknown-product'] : []) {
          expect(selected.filter((a) => a.rule === rule && a.clients.length > 0).length, rule).toBeGreaterThan(0);
        }
        // … and fewer clients were read than there are
        expect(read).toBeLessThan(all);
      }
    } finally {
      await sqlite.close();
    }
  });

  it('read every client when a count is low (who waits, where more could come from)', async () => {
    const rules = onlyRules(['lowCount']);
    const store = createMemoryStore();
    await store.writeBatch(records());
    const facts = await gatherFacts(store, AT, rules);
    expect(evaluateRules(facts, rules).some((a) => a.rule === 'low-count')).toBe(true);
    expect(facts.clients).toEqual(await store.latestClients(AT));
  });
});
