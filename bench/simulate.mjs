#!/usr/bin/env node
// Simulator throughput: `node bench/simulate.mjs [--clients N] [--days D] [--format F] [--out DIR] [--dist DIR]`.
// Runs the compiled simulator (npm run build first; --dist points at another tsc output) and prints
// requests, events, wall and CPU seconds, requests/s (per wall and per CPU second), output bytes and
// peak RSS. Default: the 200,000 clients × 365 days. CPU seconds matter on a shared machine:
// wall time there depends on the load, CPU time much less.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '200000' },
    hosts: { type: 'string', default: '3' },
    days: { type: 'string', default: '365' },
    format: { type: 'string', default: 'evtx' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    dist: { type: 'string' },
  },
});

const dist = values.dist
  ? new URL(`file://${path.resolve(values.dist, 'simulate/index.js')}`)
  : new URL('../dist/simulate/index.js', import.meta.url);
if (!fs.existsSync(dist)) {
  console.error('bench/simulate.mjs: run `npm run build` first (needs dist/simulate)');
  process.exit(2);
}
const { simulate } = await import(dist.href);
const out = values.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kmswatch-bench-sim-'));
const cpuBefore = process.cpuUsage();
const r = simulate({
  out,
  clients: Number(values.clients),
  hosts: Number(values.hosts),
  days: Number(values.days),
  seed: Number(values.seed),
  format: values.format,
});
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
// simulate() is synchronous, so a sampling timer would never fire: ask the kernel for the peak.
const peakRss = process.resourceUsage().maxRSS * 1024;
const bytes = r.files.reduce((n, f) => n + fs.statSync(f).size, 0);
const s = r.elapsedMs / 1000;
console.log(
  JSON.stringify(
    {
      clients: Number(values.clients),
      days: Number(values.days),
      format: values.format,
      requests: r.requests,
      events: r.events,
      seconds: Number(s.toFixed(1)),
      cpuSeconds: Number(cpuSeconds.toFixed(1)),
      requestsPerSecond: Math.round(r.requests / s),
      requestsPerCpuSecond: Math.round(r.requests / cpuSeconds),
      outputMiB: Math.round(bytes / 2 ** 20),
      peakRssMiB: Math.round(peakRss / 2 ** 20),
    },
    null,
    2,
  ),
);
if (!values.out && !values.keep) fs.rmSync(out, { recursive: true, force: true });
