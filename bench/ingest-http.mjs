#!/usr/bin/env node
// HTTP ingest load test (issue 7): several concurrent senders push Winlogbeat NDJSON batches to
// POST /api/ingest of an in-process `kmswatch serve` on loopback. Some batches are sent twice (as
// a shipper retrying after a timeout would). At the end every unique event must be stored exactly
// once: stored requests == unique events, and the duplicates the server reported == re-sent events.
//
//   node bench/ingest-http.mjs [--events 1000000] [--senders 4] [--batch 5000] [--resend 0.02]
//                              [--db bench/out/ingest-http.db | --db :memory:]
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = (p) => import(path.join(root, 'src', p));

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    senders: { type: 'string', default: '4' },
    batch: { type: 'string', default: '5000' },
    resend: { type: 'string', default: '0.02' },
    db: { type: 'string', default: path.join(root, 'bench/out/ingest-http.db') },
  },
});
const EVENTS = Number(args.events);
const SENDERS = Number(args.senders);
const BATCH = Number(args.batch);
const RESEND = Number(args.resend);
const TOKEN = 'bench-token';
const START = Date.parse('2026-01-01T00:00:00Z');
const PRODUCT = '2de67392-b7a7-462a-b1ca-108dd189f588';

/** Event n of sender s: host kms<s>, record id n + 1, one request every 10 s. */
function line(s, n) {
  const t = START + n * 10_000;
  const machine = `PC${s}-${n % 5000}`;
  const cmid = `${String(s).padStart(8, '0')}-0000-4000-8000-${(n % 5000).toString(16).padStart(12, '0')}`;
  const d = new Date(t);
  const clientTime = `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} ${d.getUTCHours()}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const fields = ['0x0', '25', machine, cmid, clientTime, '0', '1', '249120', PRODUCT];
  const eventData = { param1: fields.join(',') };
  fields.forEach((f, i) => (eventData[`param${i + 2}`] = f));
  return JSON.stringify({
    '@timestamp': d.toISOString(),
    winlog: { channel: 'Key Management Service', computer_name: `kms${s}`, event_id: '12290', provider_name: 'Microsoft-Windows-Security-SPP', record_id: n + 1, event_data: eventData },
  });
}

/** One shipper, in its own thread so that making JSON does not slow the server's event loop. */
async function sender({ s, count, url, batch, resend }) {
  const stats = { sent: 0, resent: 0, stored: 0, duplicates: 0, requests: 0, failures: 0, error: null };
  const send = async (body) => {
    const res = await fetch(`${url}/api/ingest`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}` } });
    const json = await res.json();
    stats.requests++;
    if (res.status !== 200) {
      stats.failures++;
      stats.error = `HTTP ${res.status}: ${JSON.stringify(json).slice(0, 300)}`;
      return;
    }
    stats.stored += json.requests;
    stats.duplicates += json.duplicates;
  };
  let rng = s * 7919 + 1;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const lines = new Array(n);
    for (let i = 0; i < n; i++) lines[i] = line(s, start + i);
    const body = lines.join('\n') + '\n';
    await send(body);
    stats.sent += n;
    rng = (rng * 1103515245 + 12345) % 2147483648;
    if (rng / 2147483648 < resend) {
      await send(body);
      stats.resent += n;
    }
  }
  return stats;
}

if (!isMainThread) {
  parentPort.postMessage(await sender(workerData));
  process.exit(0);
}

const { register } = await import('tsx/esm/api');
register();
const { openStore } = await src('store/index.ts');
const { startServer } = await src('web/server.ts');

if (args.db !== ':memory:') {
  mkdirSync(path.dirname(args.db), { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(args.db + suffix, { force: true });
}
const store = await openStore(args.db);
const server = await startServer({ store, port: 0, token: TOKEN, timezone: 'UTC', staticDir: null, bodyLimit: 64 * 1024 * 1024 });

const perSender = Math.ceil(EVENTS / SENDERS);
const t0 = performance.now();
const stats = await Promise.all(
  Array.from({ length: SENDERS }, (_, s) => new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url), {
      workerData: { s, count: Math.min(perSender, EVENTS - s * perSender), url: server.url, batch: BATCH, resend: RESEND },
      argv: process.argv.slice(2),
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  })),
);
const seconds = (performance.now() - t0) / 1000;
const sum = (k) => stats.reduce((n, x) => n + x[k], 0);
const sentEvents = sum('sent');
const resentEvents = sum('resent');
const storedReported = sum('stored');
const duplicatesReported = sum('duplicates');
const requests = sum('requests');
const failures = sum('failures');
for (const x of stats) if (x.error) console.error(x.error);

const totals = await store.totals(8.64e15);
const ok = totals.requests === EVENTS && storedReported === EVENTS && duplicatesReported === resentEvents && failures === 0;
const result = {
  events: EVENTS,
  senders: SENDERS,
  batch: BATCH,
  backend: store.backend,
  httpRequests: requests,
  resentEvents,
  stored: totals.requests,
  storedReported,
  duplicatesReported,
  seconds: Number(seconds.toFixed(2)),
  eventsPerSecond: Math.round((sentEvents + resentEvents) / seconds),
  uniqueEventsPerSecond: Math.round(EVENTS / seconds),
  ok,
};
console.log(JSON.stringify(result, null, 2));
await server.close();
await store.close();
process.exitCode = ok ? 0 : 1;
