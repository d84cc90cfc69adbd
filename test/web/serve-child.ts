/**
 * A kmswatch server in a process of its own, for test/web/serve-memory.test.ts: started as
 * `kmswatch serve` starts it (memory store, the token, default workers), it tells its parent the
 * URL over IPC and answers { type: 'memory' } with its resident set size now and at its peak.
 */
import { createMemoryStore } from '../../src/store/memory.js';
import { startServer } from '../../src/web/server.js';

const send = process.send?.bind(process);
if (!send) throw new Error('test/web/serve-child.ts runs as a child process with an IPC channel');

const store = createMemoryStore();
await store.migrate();
const server = await startServer({ store, port: 0, token: process.env.CHILD_TOKEN, timezone: 'UTC', staticDir: null });
process.on('message', (m: { type: string }) => {
  if (m.type === 'memory') send({ type: 'memory', rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024 });
  if (m.type === 'stop') void server.close().then(() => process.exit(0));
});
send({ type: 'url', url: server.url });
