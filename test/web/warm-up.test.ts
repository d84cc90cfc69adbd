/**
 * `kmswatch serve` answers the dashboard's first call once before it listens (startServer's
 * warmUp), authenticated as a reader, so that the first visitor finds the code and the database
 * pages loaded; a store with nothing to show still starts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { startServer, type RunningServer } from '../../src/web/server.js';
import { recordingStore } from '../helpers/recording-store.js';
import { fleetStore, TOKEN } from './helpers.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('serve warms up', () => {
  it('builds the overview before listening, with the read token, and not when not asked', async () => {
    const warm = recordingStore(await fleetStore());
    server = await startServer({ store: warm.store, port: 0, readToken: TOKEN, warmUp: true });
    // the overview's reads ran before any request (a 401 would have read nothing)
    expect(warm.calls).toContain('windowActive');
    expect(warm.calls).toContain('productsSeen');
    await server.close();

    const cold = recordingStore(await fleetStore());
    server = await startServer({ store: cold.store, port: 0, readToken: TOKEN });
    expect(cold.calls).not.toContain('windowActive');
  });

  it('starts on an empty store', async () => {
    server = await startServer({ store: createMemoryStore(), port: 0, warmUp: true });
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
  });
});
