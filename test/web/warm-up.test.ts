/**
 * `kmswatch serve` answers the dashboard's first call once before it listens (startServer's
 * warmUp), authenticated as a reader, so that the first visitor finds the code and the database
 * pages loaded; a store with nothing to show still starts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { startServer, type RunningServer } from '../../src/web/server.js';
import { fleetStore, TOKEN } from './helpers.js';

/** The store, recording which of its methods were called. */
function recording(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const view = new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: view, calls };
}

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('serve warms up', () => {
  it('builds the overview before listening, with the read token, and not when not asked', async () => {
    const warm = recording(await fleetStore());
    server = await startServer({ store: warm.store, port: 0, readToken: TOKEN, warmUp: true });
    // the overview's reads ran before any request (a 401 would have read nothing)
    expect(warm.calls).toContain('windowActive');
    expect(warm.calls).toContain('productsSeen');
    await server.close();

    const cold = recording(await fleetStore());
    server = await startServer({ store: cold.store, port: 0, readToken: TOKEN });
    expect(cold.calls).not.toContain('windowActive');
  });

  it('starts on an empty store', async () => {
    server = await startServer({ store: createMemoryStore(), port: 0, warmUp: true });
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
  });
});
