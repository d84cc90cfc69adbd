#!/usr/bin/env node
// Store benchmark (npm run bench:store): ingest rate of a simulated request history into each
// backend, then `report` latency, per-host count latency and the time to add 1,000 new events.
//
//   node bench/store.mjs [--requests 10000000] [--backends sqlite,postgres] [--batch <ingest default>]
//                        [--writers 2] [--pg postgres://postgres@127.0.0.1:5432/test] [--keep]
//
// SQLite writes to a file under bench/out/ (git-ignored); PostgreSQL to a throwaway database
// kmswatch_bench_<pid> created through --pg and dropped at the end (unless --keep).
// Floors (issue 22): ingest >= 60 k req/s SQLite, >= 40 k req/s PostgreSQL; report < 1 s,
// per-host counts < 100 ms, the dashboard's 90-day timeline < 500 ms and a past `report --at`
// < 10 s at 10 M requests; 1,000 new events into a 10 M store < 1 s.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// the built code, as `kmswatch` runs it (`npm run bench` builds first)
if (!existsSync(path.join(root, 'dist/store/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const src = (p) => import(path.join(root, 'dist', p.replace(/\.ts$/, '.js')));

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000000' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    batch: { type: 'string' },
    writers: { type: 'string', default: '2' },
    pg: { type: 'string', default: process.env.KMSWATCH_TEST_PG || 'postgres://postgres@127.0.0.1:5432/test' },
    keep: { type: 'boolean', default: false },
    // runs of each latency measurement (the median is reported)
    runs: { type: 'string', default: '3' },
  },
});
const REQUESTS = Number(args.requests);
// batches as large as `kmswatch ingest` makes them (src/ingest/batcher.ts) unless --batch says otherwise
const { DEFAULT_BATCH_SIZE } = await src('ingest/batcher.ts');
const BATCH = args.batch === undefined ? DEFAULT_BATCH_SIZE : Number(args.batch);
const WRITERS = Math.max(1, Number(args.writers));
const RUNS = Math.max(1, Number(args.runs));
const HOSTS = 20;
const CLIENTS = Math.max(100, Math.min(200_000, Math.floor(REQUESTS / 50)));
const DAY = 86_400_000;
// the history ends at AT; requests spread evenly over two years before it
const AT = Date.UTC(2026, 10, 1);
const SPAN = 730 * DAY;

const { lookupProduct } = await src('kms/products.ts');
const PRODUCTS = [
  lookupProduct('2de67392-b7a7-462a-b1ca-108dd189f588'),
  lookupProduct('73111121-5638-40f6-bc11-f1d7b0d64300'),
  lookupProduct('9bd77860-9b31-4b7b-96ad-2564017315bf'),
  lookupProduct('fbdb3e18-a8ef-4fb3-9183-dffd60bd0984'),
  lookupProduct('6f327760-8c5c-417c-9b61-836a98287e0c'),
];
const hostName = (h) => `kms${String(h).padStart(2, '0')}.corp.example`;
// A decoder hands the store a new string per field of every event (TextDecoder, XML text): the
// store must hash each one. A slice of a longer string is exactly that, and cheap; one string
// object shared by all events would come with its hash already computed.
const fresh = (padded) => padded.slice(1);
const clientTexts = new Map();
function clientStrings(c) {
  let b = clientTexts.get(c);
  if (b === undefined) {
    b = { machine: ` pc${c}.corp.example`, cmid: ` ${(0x10000000 + c).toString(16)}-0000-4000-8000-${String(c).padStart(12, '0')}` };
    clientTexts.set(c, b);
  }
  return b;
}
const hostTexts = Array.from({ length: HOSTS }, (_, h) => ` ${hostName(h)}`);
const cmid = (c) => fresh(clientStrings(c).cmid);
const machineName = (c) => fresh(clientStrings(c).machine);

/**
 * Requests n .. n+count-1 of host h (each host has its own record-id sequence). Deterministic and
 * cheap: client = a multiplicative hash of (host, n); 3 % failures; time rises with n.
 */
function hostBatch(h, start, count, perHost) {
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const n = start + i;
    const client = (Math.imul(n + 1, 2654435761) >>> 0) % Math.ceil(CLIENTS / HOSTS) * HOSTS + h;
    const product = PRODUCTS[client % PRODUCTS.length];
    const failed = (n * 31 + h) % 100 < 3;
    const time = AT - SPAN + Math.floor(((n + 0.5) / perHost) * SPAN);
    out[i] = {
      kind: 'request', host: fresh(hostTexts[h]), channel: 'Key Management Service', eventId: 12290,
      recordId: n + 1, time, source: 'bench (generated)',
      result: failed ? 0xc004f06c : 0, resultHex: failed ? '0xC004F06C' : '0x0',
      minimumCount: product.minimumCount, machine: machineName(client), cmid: cmid(client),
      clientTimeText: fresh(' 2026/1/1 0:00'), clientTime: null, isVm: client % 3 === 0,
      licenseState: 1, minutesLeft: 259200 - (n % 10000), activationId: product.activationId, product,
    };
  }
  return out;
}

/** Work items: (host, start, count) in time order, hosts interleaved. */
function* plan(total) {
  const perHost = Math.ceil(total / HOSTS);
  const perBatchHost = Math.max(1, Math.floor(BATCH / HOSTS));
  for (let start = 0; start < perHost; start += perBatchHost) {
    const items = [];
    for (let h = 0; h < HOSTS; h++) items.push({ h, start, count: Math.min(perBatchHost, perHost - start), perHost });
    yield items;
  }
}

const cpuSeconds = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

async function ingest(store, writers) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let written = 0;
  // wall time inside writeBatch (the records are built before each call): the store's own rate
  let inStoreMs = 0;
  let lastLog = t0;
  const queue = plan(REQUESTS);
  // `writers` concurrent writeBatch calls, each one batch of all hosts' next slice
  async function worker() {
    for (let next = queue.next(); !next.done; next = queue.next()) {
      const records = next.value.flatMap((it) => hostBatch(it.h, it.start, it.count, it.perHost));
      const t = performance.now();
      await store.writeBatch(records);
      inStoreMs += performance.now() - t;
      written += records.length;
      const now = performance.now();
      if (now - lastLog > 10_000) {
        lastLog = now;
        process.stderr.write(`  ${store.backend}: ${written.toLocaleString('en')} requests, ${Math.round(written / ((now - t0) / 1000)).toLocaleString('en')}/s\n`);
      }
    }
  }
  await Promise.all(Array.from({ length: writers }, worker));
  const seconds = (performance.now() - t0) / 1000;
  return { written, seconds, rate: written / seconds, cpu: cpuSeconds(cpu0), inStoreSeconds: inStoreMs / 1000 };
}

/**
 * CPU seconds used so far by the PostgreSQL server processes serving this benchmark's database
 * (same machine only: read from /proc; 0 when unavailable). Autovacuum and checkpointer are not
 * included. Clock ticks are 100 per second on Linux.
 */
async function serverCpuSeconds(admin, dbName) {
  try {
    const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName]);
    let ticks = 0;
    for (const { pid } of rows) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / 100;
  } catch {
    return 0;
  }
}

/** Median wall ms of `runs` runs, and this process's CPU ms of that same run. */
async function timed(fn, runs = 3) {
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    result = await fn();
    times.push({ wall: performance.now() - t, cpu: cpuSeconds(c) * 1000 });
  }
  times.sort((a, b) => a.wall - b.wall);
  const mid = times[Math.floor(times.length / 2)];
  return { ms: mid.wall, cpuMs: mid.cpu, result };
}

async function benchBackend(name) {
  const { buildReport } = await src('analysis/report.ts');
  const { buildTimeline } = await src('web/timeline.ts');
  // what the dashboard's overview asks (GET /api/overview: the report and the alert rules) and
  // GET /metrics; older builds without them skip the measurement
  const { currentAlerts } = await src('alerts/run.ts');
  const { defaultConfig } = await src('alerts/config.ts');
  const { gatherMetrics } = await src('web/metrics.ts');
  // as the route builds it: the reads shared by the report and the rules, the lapsed only counted
  // (builds without shared-reads.js read them twice; the option is ignored by builds without it)
  const shared = existsSync(path.join(root, 'dist/store/shared-reads.js')) ? (await src('store/shared-reads.ts')).withSharedReads : (s) => s;
  let store;
  let cleanup = async () => {};
  let serverCpu = async () => 0;
  if (name === 'sqlite') {
    const { openSqliteStore } = await src('store/sqlite/index.ts');
    const dir = path.join(root, 'bench', 'out');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `store-${process.pid}.db`);
    store = await openSqliteStore(file);
    cleanup = async () => {
      if (!args.keep) for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
    };
  } else if (name === 'postgres') {
    const pg = (await import('pg')).default;
    const { openPostgresStore } = await src('store/postgres/index.ts');
    const dbName = `kmswatch_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: args.pg });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const u = new URL(args.pg);
    u.pathname = `/${dbName}`;
    store = await openPostgresStore(u.toString(), { poolSize: Math.max(4, WRITERS + 1) });
    serverCpu = () => serverCpuSeconds(admin, dbName);
    cleanup = async () => {
      if (!args.keep) await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    };
  } else {
    throw new Error(`unknown backend ${name}`);
  }

  try {
    // SQLite: one writer (one connection writes one batch at a time); PostgreSQL: WRITERS at once
    const writers = name === 'postgres' ? WRITERS : 1;
    process.stderr.write(`${name}: ingesting ${REQUESTS.toLocaleString('en')} requests (${HOSTS} hosts, ${CLIENTS.toLocaleString('en')} clients, batches of ${BATCH}, ${writers} writer(s))\n`);
    const server0 = await serverCpu();
    const ing = await ingest(store, writers);
    const ingServerCpu = (await serverCpu()) - server0;
    if (name === 'postgres') await store.db.run({ name: 'vacuum', params: [], sqlite: '', postgres: 'VACUUM ANALYZE' });

    const serverReport0 = await serverCpu();
    const report = await timed(() => buildReport(store, { at: AT, timezone: 'UTC' }), RUNS);
    const reportServerCpu = ((await serverCpu()) - serverReport0) / RUNS;
    // a report for a past instant: the summary tables do not cover it, the requests are read
    const PAST = AT - 10 * DAY;
    const serverPast0 = await serverCpu();
    const reportPast = await timed(() => buildReport(store, { at: PAST, timezone: 'UTC' }), RUNS);
    const reportPastServerCpu = ((await serverCpu()) - serverPast0) / RUNS;
    const from = AT - 30 * DAY;
    // per-host counts as a report asks for them (both queries, one 30-day window); the window 1 ms
    // later each run, so no run can be answered from a cache of the previous one (until 2026-12-07
    // only its end moved: a 30-day window and 1 ms, which the spans do not answer, so the requests did)
    let shift = 0;
    const counts = await timed(() => {
      shift++;
      return Promise.all([store.windowActive(from + shift, AT + shift), store.windowCounts(from + shift, AT + shift)]);
    }, RUNS);
    const perQuery = {};
    for (const [q, fn] of Object.entries({
      totals: () => store.totals(AT),
      hostActivity: () => store.hostActivity(AT),
      clones: () => store.clones(AT),
      failures: () => store.failures(from, AT),
      latestClients: () => store.latestClients(AT),
      latestClientsPast: () => store.latestClients(PAST),
      products: () => store.products(AT),
      dailyActivityOneHost: () => store.dailyActivity(hostName(3), AT - 90 * DAY, AT),
      // the dashboard's timeline: every host, 90 days
      dailyActivity90Days: () => store.dailyActivity(null, AT - 90 * DAY, AT),
      // the whole /api/timeline answer (counts at each day's end, daily activity, forecast), 30 and 90 days
      timeline30Days: () => buildTimeline(store, AT, 30),
      timeline90Days: () => buildTimeline(store, AT, 90),
      ...(currentAlerts ? { overview: () => {
        const view = shared(store);
        return Promise.all([buildReport(view, { at: AT, timezone: 'UTC', anomalyLimit: 0, listLapsed: false }), currentAlerts(view, AT, defaultConfig().alerts)]);
      } } : {}),
      ...(gatherMetrics ? { metrics: () => gatherMetrics(store, AT, 'UTC') } : {}),
      // a past report's per-host counts (the requests of 30 days read)
      hostCountsPast: () => Promise.all([store.windowActive(PAST - 30 * DAY, PAST), store.windowCounts(PAST - 30 * DAY, PAST)]),
    })) {
      const t = await timed(fn, 1);
      perQuery[q] = { wallMs: Math.round(t.ms), cpuMs: Math.round(t.cpuMs) };
    }
    // 1,000 new events after the history: one writeBatch
    const perHost = Math.ceil(REQUESTS / HOSTS);
    const fresh = hostBatch(0, perHost, 1000, perHost);
    const add = await timed(async () => store.writeBatch(fresh), 1);

    return {
      backend: name,
      requests: ing.written,
      ingestSeconds: Number(ing.seconds.toFixed(1)),
      ingestPerSecond: Math.round(ing.rate),
      // one writer: requests per second of wall time spent inside writeBatch (generation excluded);
      // with several writers their calls overlap and this figure is not meaningful
      ...(writers === 1 ? { inStoreSeconds: Number(ing.inStoreSeconds.toFixed(1)), inStorePerSecond: Math.round(ing.written / ing.inStoreSeconds) } : {}),
      // CPU of this (client) process only; the PostgreSQL server's CPU is not included
      ingestCpuSeconds: Number(ing.cpu.toFixed(1)),
      ingestPerCpuSecond: Math.round(ing.written / ing.cpu),
      // PostgreSQL: CPU of the server processes of the benchmark's connections during the ingest
      ...(name === 'postgres' ? { ingestServerCpuSeconds: Number(ingServerCpu.toFixed(1)) } : {}),
      reportMs: Math.round(report.ms),
      reportCpuMs: Math.round(report.cpuMs),
      ...(name === 'postgres' ? { reportServerCpuMs: Math.round(reportServerCpu * 1000) } : {}),
      // buildReport at 10 days before the newest request (past --at)
      reportPastMs: Math.round(reportPast.ms),
      reportPastCpuMs: Math.round(reportPast.cpuMs),
      ...(name === 'postgres' ? { reportPastServerCpuMs: Math.round(reportPastServerCpu * 1000) } : {}),
      hostCountsMs: Math.round(counts.ms),
      hostCountsCpuMs: Math.round(counts.cpuMs),
      add1000Ms: Math.round(add.ms),
      add1000CpuMs: Math.round(add.cpuMs),
      add1000Result: add.result,
      queryMs: perQuery,
    };
  } finally {
    await store.close();
    await cleanup();
  }
}

const results = [];
for (const name of args.backends.split(',').map((s) => s.trim()).filter(Boolean)) results.push(await benchBackend(name));
process.stdout.write(`${JSON.stringify({ requests: REQUESTS, batch: BATCH, writers: WRITERS, node: process.version, loadAverage: os.loadavg()[0], cores: os.cpus().length, results }, null, 2)}\n`);
