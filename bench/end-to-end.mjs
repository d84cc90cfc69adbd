#!/usr/bin/env node
// End to end, as a user waits (issue 22): `kmswatch ingest` + `kmswatch report` of a simulated year
// (default 3,000 clients on 2 hosts, EVTX, ≈ 180 MB) against `evtxexport -f xml` only dumping the
// same files, side by side, interleaved, `--runs` times (medians). Each run ingests into a new
// database. Needs evtxexport (Debian libevtx-utils) on PATH.
//
//   npm run build && node bench/end-to-end.mjs [--clients 3000] [--hosts 2] [--days 365] [--runs 3]
//                                              [--db <folder for the databases, default the temp folder>]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '3000' },
    hosts: { type: 'string', default: '2' },
    days: { type: 'string', default: '365' },
    runs: { type: 'string', default: '3' },
    db: { type: 'string' },
  },
});
const kmswatch = path.join(root, 'bin/kmswatch');
const work = mkdtempSync(path.join(os.tmpdir(), 'kmswatch-e2e-'));
const dbDir = args.db ?? work;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = (cmd, argv, opts = {}) => {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', opts.stdout ?? 'ignore', 'pipe'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
};

try {
  const fleet = path.join(work, 'fleet');
  execFileSync(process.execPath, [kmswatch, 'simulate', '--out', fleet, '--clients', args.clients, '--hosts', args.hosts, '--days', args.days, '--format', 'evtx'], { stdio: 'ignore' });
  const files = readdirSync(fleet).filter((f) => f.endsWith('.evtx')).map((f) => path.join(fleet, f));
  const mb = files.reduce((n, f) => n + statSync(f).size, 0) / 1e6;
  console.log(`${files.length} EVTX files, ${mb.toFixed(1)} MB (${args.clients} clients, ${args.hosts} hosts, ${args.days} days)`);
  const ours = [];
  const peer = [];
  for (let run = 0; run < Number(args.runs); run++) {
    const db = path.join(dbDir, `e2e-${process.pid}-${run}.db`);
    const ingest = timed(process.execPath, [kmswatch, 'ingest', '--db', db, fleet]);
    const report = timed(process.execPath, [kmswatch, 'report', '--db', db]);
    for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
    let dump = 0;
    for (const f of files) dump += timed('evtxexport', ['-f', 'xml', f]);
    ours.push(ingest + report);
    peer.push(dump);
    console.log(`run ${run + 1}: kmswatch ingest ${ingest.toFixed(2)} s + report ${report.toFixed(2)} s = ${(ingest + report).toFixed(2)} s; evtxexport -f xml ${dump.toFixed(2)} s`);
  }
  const a = median(ours);
  const b = median(peer);
  console.log(`median: kmswatch ${a.toFixed(2)} s, evtxexport ${b.toFixed(2)} s: ${(a / b).toFixed(3)} of evtxexport's time (target ≤ 0.333)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
