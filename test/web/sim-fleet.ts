/**
 * A simulated fleet (src/simulate, as `kmswatch simulate` writes it) ingested through the real
 * pipeline into a memory store: the size an admin's dashboard was tried on (3 hosts, 2,000
 * clients, 120 days). Used by the transfer-size test and scripts/screenshots.mjs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newestEventTime } from '../../src/analysis/newest.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { simulate, type Truth } from '../../src/simulate/index.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';

export interface SimFleet {
  store: Store;
  /** The newest stored event: the end of the simulated period. */
  newest: number;
  requests: number;
  /** What the simulator knows it generated (truth.json): an independent source for the tests. */
  truth: Truth;
}

export async function simulatedFleetStore(options: { clients?: number; days?: number; hosts?: number; seed?: number } = {}): Promise<SimFleet> {
  const out = mkdtempSync(path.join(tmpdir(), 'kmswatch-sim-'));
  try {
    const sim = simulate({ out, clients: options.clients ?? 2000, days: options.days ?? 120, hosts: options.hosts ?? 3, seed: options.seed ?? 7 });
    const store = createMemoryStore();
    await store.migrate();
    await ingestFiles(store, sim.files, { timezone: 'UTC' });
    const newest = await newestEventTime(store);
    if (newest === null) throw new Error('the simulated fleet stored no event');
    return { store, newest, requests: sim.requests, truth: sim.truth };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
