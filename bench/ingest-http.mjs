#!/usr/bin/env node
// HTTP ingest load test (issue 7): several concurrent senders push Winlogbeat NDJSON batches to
// POST /api/ingest of a `kmswatch serve` in a child process on loopback. Some batches are sent
// twice (as a shipper retrying after a timeout would). At the end every unique event must be
// stored exactly once: stored requests == unique events, and the duplicates the server reported ==
// re-sent events.
//
// The request bodies are built before the clock starts and the senders are plain keep-alive
// node:http loops in this process, so that they take little of the CPU the server needs. The
// server runs in its own process so that its CPU time (all threads) is measured apart from the
// senders'.
//
//   node bench/ingest-http.mjs [--events 1000000] [--senders 4] [--batch 5000] [--resend 0.02]
//                              [--db bench/out/ingest-http.db | --db :memory:]
//                              [--workers N]   ingest worker threads of the server (0 = parse on the main thread)
//                              [--dist]        run the server from dist/ (npm run build) instead of src/ via tsx
//                              [--cpu-prof]    write a .cpuprofile of the server to bench/out/prof/
import { fork } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    senders: { type: 'string', default: '4' },
    batch: { type: 'string', default: '5000' },
    resend: { type: 'string', default: '0.02' },
    db: { type: 'string', default: path.join(root, 'bench/out/ingest-http.db') },
    workers: { type: 'string' },
    dist: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    role: { type: 'string', default: 'driver' },
  },
});
const TOKEN = 'bench-token';

const cpuSeconds = (u) => (u.user + u.system) / 1e6;
const cpuSince = (start) => cpuSeconds(process.cpuUsage(start));

// ---------------------------------------------------------------- server (child process)
if (args.role === 'server') {
  const load = (p) => import(args.dist ? path.join(root, 'dist', p.replace(/\.ts$/, '.js')) : path.join(root, 'src', p));
  if (!args.dist) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const { openStore } = await load('store/index.ts');
  const { startServer } = await load('web/server.ts');
  if (args.db !== ':memory:') {
    mkdirSync(path.dirname(args.db), { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) rmSync(args.db + suffix, { force: true });
  }
  const store = await openStore(args.db);
  const workers = args.workers === undefined ? {} : { ingestWorkers: Number(args.workers) };
  const server = await startServer({ store, port: 0, token: TOKEN, timezone: 'UTC', staticDir: null, bodyLimit: 64 * 1024 * 1024, ...workers });
  let cpuStart = process.cpuUsage();
  process.on('message', async (msg) => {
    if (msg === 'start') {
      cpuStart = process.cpuUsage();
      process.send({ started: true });
    } else if (msg === 'stop') {
      const cpu = cpuSince(cpuStart);
      const totals = await store.totals(8.64e15);
      await server.close();
      await store.close();
      process.send({ cpu, totals, backend: store.backend }, () => process.exit(0));
    }
  });
  process.send({ url: server.url });
} else {
  await drive();
}

// ---------------------------------------------------------------- driver and senders
/** Event n of sender s: host kms<s>, record id n + 1, one request every 10 s. */
function line(s, n) {
  const START = Date.parse('2026-01-01T00:00:00Z');
  const PRODUCT = '2de67392-b7a7-462a-b1ca-108dd189f588';
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

/** Sender s's requests in order: each batch once, some twice (deterministic per sender). */
function buildRequests(s, count, batch, resend) {
  const out = [];
  let rng = s * 7919 + 1;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const lines = new Array(n);
    for (let i = 0; i < n; i++) lines[i] = line(s, start + i);
    const body = Buffer.from(lines.join('\n') + '\n');
    out.push({ body, events: n, resent: false });
    rng = (rng * 1103515245 + 12345) % 2147483648;
    if (rng / 2147483648 < resend) out.push({ body, events: n, resent: true });
  }
  return out;
}

function post(agent, url, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/ingest`, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}`, 'content-length': body.length },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function sender(agent, url, requests) {
  const stats = { sent: 0, resent: 0, stored: 0, duplicates: 0, requests: 0, failures: 0, retries: 0, error: null };
  for (const r of requests) {
    for (;;) {
      const res = await post(agent, url, r.body);
      stats.requests++;
      if (res.status === 429 || res.status === 503) {
        // back-pressure: wait as told and send the same batch again
        stats.retries++;
        await new Promise((ok) => setTimeout(ok, 1000 * Number(res.headers['retry-after'] ?? 1)));
        continue;
      }
      const json = JSON.parse(res.text);
      if (res.status !== 200) {
        stats.failures++;
        stats.error = `HTTP ${res.status}: ${res.text.slice(0, 300)}`;
      } else {
        stats.stored += json.requests;
        stats.duplicates += json.duplicates;
      }
      break;
    }
    if (r.resent) stats.resent += r.events;
    else stats.sent += r.events;
  }
  return stats;
}

async function drive() {
  const EVENTS = Number(args.events);
  const SENDERS = Number(args.senders);
  const BATCH = Number(args.batch);
  const RESEND = Number(args.resend);

  const buildStart = process.cpuUsage();
  const perSender = Math.ceil(EVENTS / SENDERS);
  const plans = Array.from({ length: SENDERS }, (_, s) => buildRequests(s, Math.max(0, Math.min(perSender, EVENTS - s * perSender)), BATCH, RESEND));
  const buildCpu = cpuSince(buildStart);

  const childArgs = process.argv.slice(2).filter((a) => a !== '--cpu-prof');
  const execArgv = args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.join(root, 'bench/out/prof')] : [];
  const child = fork(fileURLToPath(import.meta.url), [...childArgs, '--role', 'server'], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies = [];
  const waiters = [];
  child.on('message', (m) => (waiters.length ? waiters.shift()(m) : replies.push(m)));
  child.on('exit', (code) => code && console.error(`server exited with ${code}`));
  const reply = () => new Promise((ok) => (replies.length ? ok(replies.shift()) : waiters.push(ok)));
  const { url } = await reply();

  child.send('start');
  await reply();
  const agent = new http.Agent({ keepAlive: true, maxSockets: SENDERS });
  const cpuStart = process.cpuUsage();
  const t0 = performance.now();
  const stats = await Promise.all(plans.map((p) => sender(agent, url, p)));
  const seconds = (performance.now() - t0) / 1000;
  const sendersCpu = cpuSince(cpuStart);
  agent.destroy();
  child.send('stop');
  const server = await reply();

  const sum = (k) => stats.reduce((n, x) => n + x[k], 0);
  const sentEvents = sum('sent');
  const resentEvents = sum('resent');
  const storedReported = sum('stored');
  const duplicatesReported = sum('duplicates');
  const failures = sum('failures');
  for (const x of stats) if (x.error) console.error(x.error);
  const ok = server.totals.requests === EVENTS && storedReported === EVENTS && duplicatesReported === resentEvents && failures === 0;
  const result = {
    command: `node bench/ingest-http.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    events: EVENTS,
    senders: SENDERS,
    batch: BATCH,
    backend: server.backend,
    workers: args.workers ?? 'default',
    httpRequests: sum('requests'),
    retriedAfter429: sum('retries'),
    resentEvents,
    stored: server.totals.requests,
    storedReported,
    duplicatesReported,
    seconds: Number(seconds.toFixed(2)),
    eventsPerSecond: Math.round((sentEvents + resentEvents) / seconds),
    uniqueEventsPerSecond: Math.round(EVENTS / seconds),
    serverCpuSeconds: Number(server.cpu.toFixed(2)),
    sendersCpuSeconds: Number(sendersCpu.toFixed(2)),
    bodyBuildCpuSeconds: Number(buildCpu.toFixed(2)),
    serverCpuMicrosPerEvent: Number(((server.cpu * 1e6) / (sentEvents + resentEvents)).toFixed(1)),
    loadAverage: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(1))),
    ok,
  };
  console.log(JSON.stringify(result, null, 2));
  process.exitCode = ok ? 0 : 1;
}
