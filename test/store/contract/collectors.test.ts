import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.js';
import type { Store, WriteResult } from '../../../src/store/types.js';
import { repoRoot } from '../../helpers/paths.js';
import { collectorEvents } from './collector-events.js';
import { freshStoreUrls, selectedBackends } from './backends.js';

const run = promisify(execFile);
const CHILD = path.join(repoRoot, 'test/store/contract/collector-child.ts');
const AT = Date.UTC(2027, 0, 1);

/** Starts one collector process; resolves with its summed WriteResult. */
async function collector(url: string, start: number, count: number, batch: number, order = 'forward'): Promise<WriteResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, url, String(start), String(count), String(batch), order], {
    cwd: repoRoot,
    timeout: 120_000,
  });
  return JSON.parse(stdout) as WriteResult;
}

async function everything(store: Store) {
  return {
    totals: await store.totals(AT),
    clients: await store.latestClients(AT),
    products: await store.products(AT),
    failures: await store.failures(0, AT),
    anomalies: await store.anomalies(AT, 1000),
    activity: await store.hostActivity(AT),
    checkpoints: (await store.checkpoints()).map(({ updatedAt: _u, ...c }) => c),
    logClears: await store.logClears(),
  };
}

for (const backend of selectedBackends().filter((b) => b !== 'memory')) describe(`${backend}: concurrent collectors`, () => {
  let urls: Awaited<ReturnType<typeof freshStoreUrls>>;
  beforeAll(async () => {
    urls = await freshStoreUrls(backend as 'sqlite' | 'postgres');
  });
  afterAll(async () => urls?.dispose());

  it('three processes ingesting overlapping exports at once lose nothing and double nothing', async () => {
    const sharedUrl = await urls.fresh();
    const cleanUrl = await urls.fresh();

    // 0..5999 and 3000..8999 in order, and all of 0..8999 newest batch first, all at the same time
    // (each process also races the others on the first migration of the fresh schema)
    const results = await Promise.all([
      collector(sharedUrl, 0, 6000, 250),
      collector(sharedUrl, 3000, 6000, 250),
      collector(sharedUrl, 0, 9000, 400, 'reverse'),
    ]);
    const offered = 6000 + 6000 + 9000;
    const stored = results.reduce((n, r) => n + r.requests + r.anomalies, 0);
    // 9000 distinct events: each stored exactly once, every other copy counted as a duplicate
    expect(stored).toBe(9000);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(offered - 9000);
    expect(results.reduce((n, r) => n + r.logClears, 0)).toBe(0);

    // the same as one clean ingest of all 9000 events
    const clean = await openStore(cleanUrl);
    const shared = await openStore(sharedUrl);
    try {
      const all = collectorEvents(0, 9000);
      for (let i = 0; i < all.length; i += 1000) await clean.writeBatch(all.slice(i, i + 1000));
      const expected = await everything(clean);
      // 9000 events, every 50th an anomaly: 180 anomalies, 8820 requests
      expect(expected.totals).toMatchObject({ requests: 8820, anomalies: 180, hosts: 3 });
      expect(await everything(shared)).toEqual(expected);
    } finally {
      await Promise.all([clean.close(), shared.close()]);
    }
  });
});
