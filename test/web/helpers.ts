import { buildReport } from '../../src/analysis/report.js';
import { ingestEvents } from '../../src/ingest/ingest.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { readBytesSource } from '../../src/web/bytes-source.js';
import { AT, fleetEvtx } from './fleet.js';

export const TOKEN = 'test-token-0123456789';

/** The fleet ingested from its EVTX bytes into a fresh memory store. */
export async function fleetStore(): Promise<Store> {
  const store = createMemoryStore();
  await store.migrate();
  const summary = await ingestEvents(store, readBytesSource(fleetEvtx(), { file: 'fleet.evtx', timezone: 'UTC' }), {});
  if (summary.issues.length) throw new Error(`fleet ingest issues: ${JSON.stringify(summary.issues)}`);
  return store;
}

/** What `kmswatch report --json --at 2026-03-01T00:00:00Z` prints for the store, parsed. */
export async function referenceReport(store: Store, at = AT): Promise<unknown> {
  return JSON.parse(JSON.stringify(await buildReport(store, { at, timezone: 'UTC' })));
}
