#!/usr/bin/env node
// EVTX reader benchmark (`npm run bench -- evtx`, after `npm run build`).
// Builds a >= 100 MB file from corpus chunks in a temp dir, then times, in this same run:
//   kmswatch evtx dump --format jsonl (1 thread, all threads) > /dev/null
//   evtxexport -f xml (libevtx, Debian)                       > /dev/null
//   evtx_dump.py (python-evtx, Debian) on a ~5 MB prefix, scaled to the whole file
// and prints MB/s, records/s, peak RSS (/usr/bin/time -v) and the ratios.
// Options: --size MB (default 110), --rounds N (default 3: the kmswatch rows are the median of N
// interleaved rounds, wall times here vary by tens of percent from one minute to the next),
// --keep (keep the temp file), --only NAME (cycle one corpus file's chunks, see below).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, openSync, readSync, writeFileSync, closeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { benchCorpusDirs, buildBigFile, corpusChunks, describeCorpus } from './evtx-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = benchCorpusDirs(root);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const sizeMb = Number(arg('--size', '110'));
const keep = process.argv.includes('--keep');
const rounds = Math.max(1, Number(arg('--rounds', '3')));
const cores = availableParallelism();

if (!existsSync(path.join(root, 'dist/evtx/chunk.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(1);
}

const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-bench-evtx-'));
const big = path.join(dir, 'big.evtx');
// --only NAME: cycle the chunks of one corpus file (one log's few templates, as a real big log is)
// instead of all 243 (577 templates from 40-odd logs, the worst case for JIT warm-up).
const only = arg('--only', null);
const chunks = corpusChunks(corpus).filter((c) => only === null || c.file === only);
if (chunks.length === 0) {
  console.error(`--only ${only}: no fully readable chunks of that name in ${corpus.join(', ')}`);
  process.exit(1);
}
const built = buildBigFile(big, chunks, sizeMb * 1e6);
console.log(describeCorpus(corpus));
console.log(`file: ${built.size} bytes (${(built.size / 1e6).toFixed(1)} MB), ${built.chunks} chunks (${chunks.length} distinct chunks of ${only ?? 'the corpus'} cycled), ${built.records} records`);
console.log(`machine: ${cores} cores, node ${process.version}, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);

/** Runs a command with stdout to /dev/null under /usr/bin/time -v: wall seconds and peak RSS (MB). */
function timed(cmd, args) {
  const haveTime = existsSync('/usr/bin/time');
  const t0 = process.hrtime.bigint();
  const r = haveTime
    ? spawnSync('/usr/bin/time', ['-v', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const stderr = r.stderr?.toString() ?? '';
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  const cpu = user && sys ? Number(user[1]) + Number(sys[1]) : NaN;
  return { secs, cpu, rssMb: rss ? Number(rss[1]) / 1024 : NaN, status: r.status, stderr };
}

const kmswatch = path.join(root, 'bin/kmswatch');
const rows = [];
function row(name, bytes, records, t, note = '') {
  const mbs = bytes / 1e6 / t.secs;
  rows.push({ name, secs: t.secs, cpu: t.cpu, mbs, cpuMbs: bytes / 1e6 / t.cpu, rps: records / t.secs, rss: t.rssMb, note, status: t.status, stderr: t.stderr });
}

// The machine's own ceiling for N threads: N independent one-thread dumps side by side share
// nothing but the hardware (caches, memory, a hypervisor's vCPUs), so no threaded dump can scale
// better than they do together.
function timedSideBySide(n, cmd, args) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let left = n;
    let cpu = 0;
    let rss = 0;
    let status = 0;
    for (let i = 0; i < n; i++) {
      const p = spawn('/usr/bin/time', ['-v', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code) => {
        const user = /User time \(seconds\): ([\d.]+)/.exec(err);
        const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
        const r = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
        cpu += user && sys ? Number(user[1]) + Number(sys[1]) : NaN;
        rss = Math.max(rss, r ? Number(r[1]) / 1024 : NaN);
        status ||= code ?? 1;
        if (--left === 0) resolve({ secs: Number(process.hrtime.bigint() - t0) / 1e9, cpu, rssMb: rss, status, stderr: err });
      });
    }
  });
}

// Rounds of (1 thread, all threads, side by side), interleaved so that a slow minute of the VM
// hits all three alike; each row is the round with the median wall time, peak RSS the highest seen.
const dumpArgs = (threads) => [kmswatch, 'evtx', 'dump', '--format', 'jsonl', '--threads', String(threads), big];
const sideBySide = cores > 1 && existsSync('/usr/bin/time');
const runs = { one: [], all: [], pair: [] };
for (let r = 0; r < rounds; r++) {
  runs.one.push(timed(process.execPath, dumpArgs(1)));
  runs.all.push(timed(process.execPath, dumpArgs(cores)));
  if (sideBySide) runs.pair.push(await timedSideBySide(cores, process.execPath, dumpArgs(1)));
}
function median(list) {
  const sorted = [...list].sort((a, b) => a.secs - b.secs);
  const mid = sorted[Math.floor((sorted.length - 1) / 2)];
  const spread = list.length > 1 ? `median of ${list.length} rounds (${sorted[0].secs.toFixed(2)}–${sorted[sorted.length - 1].secs.toFixed(2)} s)` : '';
  return { ...mid, rssMb: Math.max(...list.map((t) => t.rssMb)), status: list.find((t) => t.status !== 0)?.status ?? 0, spread };
}
const one = median(runs.one);
row('kmswatch jsonl, 1 thread', built.size, built.records, one, one.spread);
const all = median(runs.all);
row(`kmswatch jsonl, ${cores} threads`, built.size, built.records, all, all.spread);
let ceiling = null;
if (sideBySide) {
  const t = median(runs.pair);
  row(`${cores} x kmswatch 1 thread, side by side`, cores * built.size, cores * built.records, t, `machine ceiling: separate processes, MB/s summed${t.spread ? `; ${t.spread}` : ''}`);
  ceiling = rows[rows.length - 1];
}

const haveEvtxexport = spawnSync('sh', ['-c', 'command -v evtxexport']).status === 0;
if (haveEvtxexport) row('evtxexport -f xml', built.size, built.records, timed('evtxexport', ['-f', 'xml', big]));

// python-evtx is ~0.2 MB/s: time it on a prefix of the file (header count patched) and scale.
const havePy = spawnSync('sh', ['-c', 'command -v evtx_dump.py']).status === 0;
if (havePy) {
  const prefixChunks = Math.min(built.chunks, Math.round(5e6 / 65536));
  const prefix = path.join(dir, 'prefix.evtx');
  const fd = openSync(big, 'r');
  const buf = new Uint8Array(4096 + prefixChunks * 65536);
  readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const v = new DataView(buf.buffer);
  v.setUint16(42, prefixChunks, true);
  v.setBigUint64(16, BigInt(prefixChunks - 1), true);
  v.setUint32(124, zlib.crc32(buf.subarray(0, 120)), true);
  writeFileSync(prefix, buf);
  let prefixRecords = 0;
  for (let i = 0; i < prefixChunks; i++) prefixRecords += chunks[i % chunks.length].records;
  const t = timed('evtx_dump.py', [prefix]);
  row('evtx_dump.py (python-evtx)', buf.length, prefixRecords, t, `on the first ${(buf.length / 1e6).toFixed(1)} MB, scaled`);
}

console.log('');
// MB per CPU-second is printed too: on a shared machine wall time depends on the neighbours.
console.log('| tool | wall s | MB/s (wall) | records/s (wall) | CPU s | MB per CPU-s | peak RSS MB | note |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.secs.toFixed(2)} | ${r.mbs.toFixed(r.mbs < 1 ? 3 : 1)} | ${Math.round(r.rps)} | ${r.cpu.toFixed(2)} | ${r.cpuMbs.toFixed(r.cpuMbs < 1 ? 3 : 1)} | ${Number.isNaN(r.rss) ? '?' : r.rss.toFixed(0)} | ${r.status === 0 ? '' : `exit ${r.status} `}${r.note} |`);
}
const by = (prefix) => rows.find((r) => r.name.startsWith(prefix));
const k1 = by('kmswatch jsonl, 1');
const kn = by(`kmswatch jsonl, ${cores}`);
const ee = by('evtxexport');
const py = by('evtx_dump.py');
console.log('');
// Ratios both ways: wall time (what a user waits) and per CPU-second (fair on a shared machine).
const ratio = (a, b) => `${(a.mbs / b.mbs).toFixed(1)}x wall, ${(a.cpuMbs / b.cpuMbs).toFixed(1)}x per CPU-second`;
const check = (ok) => (ok ? 'met' : 'NOT met');
console.log('ratios:');
if (kn) console.log(`  threads speed-up, ${cores} vs 1 thread (wall):   ${(kn.mbs / k1.mbs).toFixed(2)}x  (CPU-s ${kn.cpu.toFixed(2)} vs ${k1.cpu.toFixed(2)})`);
// A threaded dump does at least the one-thread run's CPU work (each worker adds its own start-up
// and JIT warm-up), spread over at most `cores` cores: wall >= CPU1 / cores. The one-thread run
// already keeps more than one core busy (V8 compiles and collects garbage on other threads), so
// its own CPU use caps the speed-up below `cores`.
if (kn) console.log(`  bound from the one-thread run's CPU use: ${cores} x ${k1.secs.toFixed(2)} s wall / ${k1.cpu.toFixed(2)} CPU-s = ${((cores * k1.secs) / k1.cpu).toFixed(2)}x at most (the ${cores}-thread run used ${kn.cpu.toFixed(2)} CPU-s: ${((cores * k1.secs) / kn.cpu).toFixed(2)}x at most)`);
if (ceiling) console.log(`  machine ceiling, ${cores} one-thread processes side by side vs 1 thread: ${(ceiling.mbs / k1.mbs).toFixed(2)}x (no threaded dump can beat this)`);
if (ee) console.log(`  kmswatch 1 thread    vs evtxexport:     ${ratio(k1, ee)}`);
if (ee && kn) console.log(`  kmswatch ${cores} threads    vs evtxexport:     ${ratio(kn, ee)}`);
if (py) console.log(`  kmswatch 1 thread    vs evtx_dump.py:   ${ratio(k1, py)}`);
console.log('targets:');
console.log(`  >= 100 MB/s one thread:       ${k1.mbs.toFixed(1)} MB/s wall, ${k1.cpuMbs.toFixed(1)} MB per CPU-s -> ${check(k1.mbs >= 100)} (wall), ${check(k1.cpuMbs >= 100)} (per CPU-s)`);
if (ee) console.log(`  >= 13x evtxexport:            ${(k1.mbs / ee.mbs).toFixed(1)}x wall, ${(k1.cpuMbs / ee.cpuMbs).toFixed(1)}x per CPU-s -> ${check(k1.mbs / ee.mbs >= 13)} (wall), ${check(k1.cpuMbs / ee.cpuMbs >= 13)} (per CPU-s)`);
if (kn) console.log(`  >= 1.7x with ${cores} threads:        ${(kn.mbs / k1.mbs).toFixed(2)}x -> ${check(kn.mbs / k1.mbs >= 1.7)} (load average now ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${cores} cores)`);
const maxRss = Math.max(...rows.filter((r) => r.name.startsWith('kmswatch')).map((r) => r.rss));
console.log(`  peak RSS < 300 MB:            ${maxRss.toFixed(0)} MB -> ${check(maxRss < 300)}`);
for (const r of rows.filter((x) => x.status !== 0)) console.log(`note: ${r.name} exited ${r.status}: ${String(r.stderr).split('\n').slice(-8).join(' ')}`);

if (keep) console.log(`kept ${dir}`);
else rmSync(dir, { recursive: true, force: true });
