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
import type { KmsClientEvent } from '../../src/kms/types.js';
import type { Store } from '../../src/store/types.js';
import { overviewFromReport } from '../../src/web/overview.js';
import { AT, DAY, HOUR, hostEvent, req } from '../alerts/records.js';
import { recordingStore } from '../helpers/recording-store.js';

/** A client's 12288 naming kms01, answered (12289) unless `answered` is false (src/kms/events/client-events.ts fields). */
let clientRecord = 1;
function clientEvents(computer: string, time: number, answered: boolean): KmsClientEvent[] {
  const base = { kind: 'client' as const, host: computer, channel: 'Application', source: 'test', result: 0, resultHex: '0x0' };
  const sent: KmsClientEvent = {
    ...base, eventId: 12288, recordId: clientRecord++, time,
    fields: {
      result: '0x0', statusFlags: '0x0', kmsHost: 'kms01.corp.example:1688', cmid: `cmid-${computer}`, clientTime: '2026/02/28 23:00', vmInfo: '0',
      licenseState: '1', minutesLeft: '249120', activationId: '2de67392-b7a7-462a-b1ca-108dd189f588', minimumCount: '25',
    },
  };
  if (!answered) return [sent];
  return [sent, {
    ...base, eventId: 12289, recordId: clientRecord++, time: time + 1000,
    fields: { result: '0x0', statusFlags: '0x0', activated: '1', unused: '0', currentCount: '30', activationInterval: '120', renewalInterval: '10080', clientTime: '2/28/2026 23:00' },
  }];
}

function fleet(): Store {
  const store = createMemoryStore();
  void store.writeBatch([
    ...clientEvents('PC1.corp.example', AT - 5 * HOUR, true),
    ...clientEvents('PC2.corp.example', AT - 4 * HOUR, false),
    ...Array.from({ length: 30 }, (_, i) => req('kms01', AT - (i + 1) * HOUR, `w-${i}`, `PC${i}`, { licenseState: i < 3 ? 5 : 1, minutesLeft: i < 3 ? 0 : 249_120 })),
    ...Array.from({ length: 4 }, (_, i) => req('kms02', AT - 2 * DAY, `s-${i}`, `S${i}`, { result: 0xc004f06c })),
    hostEvent('kms02', AT - DAY, 'dns-publish-failed', { domain: 'contoso.com', resultHex: '0x8007232A' }),
  ]);
  return store;
}

/** Counts each store call by name. */
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
    const plain = recordingStore(fleet());
    const shared = recordingStore(fleet());
    const expected = await overview(plain.store);
    const got = await overview(withSharedReads(shared.store));
    expect(got).toEqual(expected);
    // no count is low, but there are client events: the client-side sections read every client (the
    // domains they are in), and the memory store has no clientOverview, so client-overview.ts counts
    // from the latest clients: plain 3 (that, the report's sections, the rules'), shared 1
    expect([plain.count('latestClients'), shared.count('latestClients')]).toEqual([3, 1]);
    // the report's margins and the rules' forecast ask for the same newest counted successes, and
    // both for the window's counts: twice plain, once shared; the client side compares the count
    // PC1's 12289 reported with kmswatch's at its time: one more window, again twice plain
    expect([plain.count('countedNewest'), shared.count('countedNewest')]).toEqual([2, 1]);
    expect([plain.count('windowActive'), shared.count('windowActive')]).toEqual([4, 2]);
    // the clients' own events: the report's sections and the rules' findings computed once from one read
    expect([plain.count('clientSideFacts'), shared.count('clientSideFacts')]).toEqual([2, 1]);
    expect(got.clientSide).toMatchObject({ collected: true, requestsSent: 2, responses: 1, unansweredCount: 1 });
  });

  it('other arguments and other methods still reach the store', async () => {
    const { store, count } = recordingStore(fleet());
    const view = withSharedReads(store);
    await view.latestClients(AT);
    await view.latestClients(AT - DAY);
    await view.latestClients(AT);
    await view.totals(AT);
    await view.totals(AT);
    expect([count('latestClients'), count('totals')]).toEqual([2, 2]);
  });
});
