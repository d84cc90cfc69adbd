import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DictionaryCache } from '../../src/store/dictionary.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { request } from './fixtures/records.js';

/*
 * The SQLite request writer keeps dedup keys as numbers per (host, channel) (second → record id,
 * or a set when one second holds several) and summary rows per CMID id. These cases hit the
 * branches of those structures that a plain ascending series never reaches.
 */
const T0 = Date.UTC(2026, 10, 1, 8);

describe('sqlite request writer: numeric dedup keys', () => {
  let store: SqliteStore;
  beforeEach(async () => {
    store = await openSqliteStore(':memory:');
  });
  afterEach(() => store.close());

  it('one second with several record ids, one record id in several seconds', async () => {
    // 6 distinct keys (second, rec): (0,1) (0,2) (0,3) (1,1) (2,1) and (0,1) again in ms 500 of second 0
    const batch = [
      request({ recordId: 1, time: T0 }),
      request({ recordId: 2, time: T0 }),
      request({ recordId: 3, time: T0 + 999 }),
      request({ recordId: 1, time: T0 + 1000 }),
      request({ recordId: 1, time: T0 + 2000 }),
      request({ recordId: 1, time: T0 + 500 }), // same second and id as the first: a duplicate
      request({ recordId: 2, time: T0 + 1 }), // a duplicate of the second
    ];
    expect(await store.writeBatch(batch)).toMatchObject({ requests: 5, duplicates: 2 });
    // again, plus one new key in a stored second that already holds two ids
    expect(await store.writeBatch([...batch, request({ recordId: 4, time: T0 })])).toMatchObject({ requests: 1, duplicates: 7 });
    expect(store.db.prepare('SELECT COUNT(*) FROM requests').pluck().get()).toBe(6);
  });

  it('a host and channel pair per group: equal keys on other hosts or channels are not duplicates', async () => {
    const batch = [
      request({ host: 'KMS-A', recordId: 7, time: T0 }),
      request({ host: 'KMS-B', recordId: 7, time: T0 }),
      request({ host: 'kms-a', recordId: 7, time: T0 }), // host names compare case-insensitively
      request({ host: 'KMS-A', channel: 'Other', recordId: 7, time: T0 }),
    ];
    expect(await store.writeBatch(batch)).toMatchObject({ requests: 3, duplicates: 1 });
  });

  it('summary rows: one CMID under two machines and two products stays four rows', async () => {
    const cmid = '0b5d8a5e-1111-4222-8333-444455556666';
    await store.writeBatch([
      request({ recordId: 1, time: T0, cmid, machine: 'PC1' }),
      request({ recordId: 2, time: T0 + 1000, cmid: cmid.toUpperCase(), machine: 'pc1' }), // same row: lower-case keys
      request({ recordId: 3, time: T0 + 2000, cmid, machine: 'PC2' }),
      request({ recordId: 4, time: T0 + 3000, cmid, machine: 'PC1', activationId: 'fbdb3e18-a8ef-4fb3-9183-dffd60bd0984', product: { ...request().product, activationId: 'fbdb3e18-a8ef-4fb3-9183-dffd60bd0984', name: 'Other product' } }),
      request({ recordId: 5, time: T0 + 4000, cmid, machine: 'PC2' }),
    ]);
    expect(store.syncSummary()).toBe(true);
    const rows = store.db.prepare('SELECT requests, first_seen, last_seen FROM client_summary ORDER BY first_seen').all();
    expect(rows).toEqual([
      { requests: 2, first_seen: T0, last_seen: T0 + 1000 }, // PC1 / pc1
      { requests: 2, first_seen: T0 + 2000, last_seen: T0 + 4000 }, // PC2
      { requests: 1, first_seen: T0 + 3000, last_seen: T0 + 3000 }, // PC1, the other product
    ]);
  });
});

describe('DictionaryCache.lowerId', () => {
  it('is the id of the lower-case form, whatever the case written', () => {
    const fetched: string[] = [];
    const dict = new DictionaryCache((v) => {
      fetched.push(v);
      return fetched.length;
    });
    expect(dict.lowerId('PC1.Corp')).toBe(1);
    expect(dict.lowerId('pc1.corp')).toBe(1);
    expect(dict.id('pc1.corp')).toBe(1);
    expect(dict.lowerId('PC1.CORP')).toBe(1);
    expect(fetched).toEqual(['pc1.corp']);
    dict.forget();
    expect(dict.lowerId('PC1.Corp')).toBe(2);
  });
});

describe('sqlite window counts', () => {
  it('are read again after the database changed (one scan serves both queries of a report)', async () => {
    const store = await openSqliteStore(':memory:');
    const at = T0 + 10_000;
    await store.writeBatch([request({ recordId: 1, time: T0, cmid: '00000000-0000-4000-8000-000000000001' })]);
    expect((await store.windowActive(at - 86_400_000, at)).map((r) => r.active)).toEqual([1]);
    expect((await store.windowCounts(at - 86_400_000, at)).map((r) => r.clients)).toEqual([1]);
    await store.writeBatch([request({ recordId: 2, time: T0 + 1000, cmid: '00000000-0000-4000-8000-000000000002' })]);
    expect((await store.windowActive(at - 86_400_000, at)).map((r) => r.active)).toEqual([2]);
    expect((await store.windowCounts(at - 86_400_000, at)).map((r) => r.clients)).toEqual([2]);
    await store.close();
  });
});

describe('sqlite window counts across connections', () => {
  it('see what another connection committed since the last scan', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-window-'));
    const file = path.join(dir, 'store.db');
    const reader = await openSqliteStore(file);
    const writer = await openSqliteStore(file);
    const at = T0 + 10_000;
    await writer.writeBatch([request({ recordId: 1, time: T0, cmid: '00000000-0000-4000-8000-000000000001' })]);
    await writer.close();
    expect((await reader.windowActive(at - 86_400_000, at)).map((r) => r.active)).toEqual([1]);
    const second = await openSqliteStore(file);
    await second.writeBatch([request({ recordId: 2, time: T0 + 1000, cmid: '00000000-0000-4000-8000-000000000002' })]);
    await second.close();
    expect((await reader.windowActive(at - 86_400_000, at)).map((r) => r.active)).toEqual([2]);
    await reader.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
