#!/usr/bin/env node
// Store benchmark on simulator output (issue 4: "the store benchmarks use it"): `kmswatch simulate`
// writes a fleet's EVTX logs, then each backend ingests them through the real pipeline
// (`ingestFiles`: EVTX reader → decoder → writeBatch) and `buildReport` runs at the end of the
// period. The report's totals are checked against the simulator's truth.json.
//
//   npm run build && node bench/store-simulated.mjs [--clients 20000] [--days 365] [--backends sqlite,postgres]
//                                                   [--pg postgres://postgres@127.0.0.1:5432/test]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(root, 'dist', p));
const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '20000' },
    days: { type: 'string', default: '365' },
    backends: { type: 'string', default: 'sqlite,postgres' },
    pg: { type: 'string', default: process.env.KMSWATCH_TEST_PG || 'postgres://postgres@127.0.0.1:5432/test' },
  },
});

const { openStore } = await dist('store/index.js');
const { ingestFiles } = await dist('ingest/ingest.js');
const { buildReport } = await dist('analysis/report.js');

const work = mkdtempSync(path.join(os.tmpdir(), 'kmswatch-bench-sim-'));
const cpuSeconds = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

try {
  const fleet = path.join(work, 'fleet');
  let t0 = performance.now();
  execFileSync(process.execPath, [path.join(root, 'bin/kmswatch'), 'simulate', '--out', fleet, '--clients', args.clients, '--days', args.days, '--format', 'evtx'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const truth = JSON.parse(readFileSync(path.join(fleet, 'truth.json'), 'utf8'));
  const files = readdirSync(fleet).filter((f) => f.endsWith('.evtx')).map((f) => path.join(fleet, f));
  console.log(`simulated ${truth.totals.requests.toLocaleString('en')} requests (${args.clients} clients × ${args.days} days) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  for (const backend of args.backends.split(',')) {
    let url = path.join(work, 'bench.db');
    let admin = null;
    const dbName = `kmswatch_bench_sim_${process.pid}`;
    if (backend === 'postgres') {
      const pg = (await import('pg')).default;
      admin = new pg.Client({ connectionString: args.pg });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      const u = new URL(args.pg);
      u.pathname = `/${dbName}`;
      url = u.toString();
    }
    const store = await openStore(url);
    try {
      t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const summary = await ingestFiles(store, files, { timezone: 'UTC' });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(cpu0);
      t0 = performance.now();
      const report = await buildReport(store, { at: Date.parse(truth.at), timezone: 'UTC' });
      const reportMs = performance.now() - t0;
      const same = JSON.stringify(report.totals) === JSON.stringify(truth.totals);
      console.log(
        `${backend}: ingested ${summary.requests.toLocaleString('en')} requests (${summary.events.toLocaleString('en')} events) in ${seconds.toFixed(1)} s = ` +
          `${Math.round(summary.events / seconds).toLocaleString('en')} events/s (${Math.round(summary.events / cpu).toLocaleString('en')} per CPU-s of this process); ` +
          `report ${Math.round(reportMs)} ms; totals ${same ? 'equal' : 'DIFFER from'} truth.json`,
      );
      if (!same) process.exitCode = 1;
    } finally {
      await store.close();
      if (admin) {
        await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
        await admin.end();
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
