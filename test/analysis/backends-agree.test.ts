// The memory store is the second, independent implementation: on the same records, the SQLite
// store must give the same report, field for field.
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/analysis/report.js';
import { openStore } from '../../src/store/index.js';
import { AT, DAY, fleetRecords, fleetStore } from './fleet.js';

describe('memory and SQLite stores agree', () => {
  it.each([AT, AT - 5 * DAY, AT + 40 * DAY])('on the fleet report at %i', async (at) => {
    const sqlite = await openStore(':memory:');
    try {
      await sqlite.writeBatch(fleetRecords());
      const fromSqlite = await buildReport(sqlite, { at, timezone: 'UTC' });
      const fromMemory = await buildReport(await fleetStore(), { at, timezone: 'UTC' });
      expect(fromSqlite).toEqual(fromMemory);
    } finally {
      await sqlite.close();
    }
  });

  it('on the write results of the fleet, written twice', async () => {
    const sqlite = await openStore(':memory:');
    const memory = await fleetStore();
    try {
      const first = await sqlite.writeBatch(fleetRecords());
      // 98 requests (97 up to AT + e-future), 5 host events, 3 anomalies, 1 log clear (fleet.ts).
      expect(first).toEqual({ requests: 98, hostEvents: 5, clientEvents: 0, anomalies: 3, duplicates: 0, logClears: 1 });
      expect(await sqlite.writeBatch(fleetRecords())).toEqual(await memory.writeBatch(fleetRecords()));
      expect(await sqlite.logClears()).toEqual(await memory.logClears());
    } finally {
      await sqlite.close();
    }
  });
});
