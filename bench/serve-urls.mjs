#!/usr/bin/env node
// What the dashboard waits for: starts `kmswatch serve` on a store (a build's bin/kmswatch; another
// build's with --bin, e.g. a worktree of an older commit), waits for it to answer, then times the
// calls the overview makes and /metrics, `--rounds` times each (seconds, as received with gzip), and
// stops it. Interleave builds by running this once per build, in turn.
//
//   node bench/serve-urls.mjs --db <store file or postgres://…> [--bin bin/kmswatch] [--rounds 3] [--port 8911] [--idle 0]
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    bin: { type: 'string', default: path.join(root, 'bin/kmswatch') },
    rounds: { type: 'string', default: '3' },
    port: { type: 'string', default: '8911' },
    // seconds to wait once serve answers, before the first round (a visitor who comes later)
    idle: { type: 'string', default: '0' },
  },
});
if (!args.db) {
  console.error('--db is required');
  process.exit(2);
}
const URLS = ['/api/overview?at=latest', '/api/overview', '/api/timeline?at=latest&days=30', '/api/alerts?at=latest', '/metrics'];
const base = `http://127.0.0.1:${args.port}`;
const server = spawn(process.execPath, [args.bin, '--db', args.db, 'serve', '--port', args.port], { stdio: ['ignore', 'ignore', 'inherit'] });
let exited = null;
server.once('exit', (code) => (exited = code));
try {
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (exited !== null) throw new Error(`serve exited with ${exited} before answering (its message above)`);
    if (i > 600) throw new Error('serve did not answer within 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, Number(args.idle) * 1000));
  const times = new Map(URLS.map((u) => [u, []]));
  for (let r = 0; r < Number(args.rounds); r++) {
    for (const url of URLS) {
      const t0 = performance.now();
      const res = await fetch(base + url, { headers: { 'accept-encoding': 'gzip' } });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      times.get(url).push(((performance.now() - t0) / 1000).toFixed(3));
    }
  }
  for (const [url, list] of times) console.log(`${url.padEnd(34)} ${list.join(' ')}`);
} finally {
  server.kill('SIGTERM');
}
