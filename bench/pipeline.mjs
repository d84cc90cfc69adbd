#!/usr/bin/env node
/**
 * Ingest pipeline throughput per stage and format (not a test: prints figures).
 *
 *   node bench/pipeline.mjs [--clients N] [--days N] [--formats xml,ndjson,csv,evtx] [--stages read,decode,noop,memory,sqlite]
 *   npm run bench -- pipeline
 *
 * Inputs are written by the simulator (src/simulate) into a temporary folder, one KMS log per
 * format. Stages, each over the same file:
 *   read    the reader only (openSourceBatches, as ingestFiles reads): bytes → RawEvent items
 *   decode  decodeEvent() alone over RawEvents collected beforehand
 *   noop    ingestFiles() into a store whose writeBatch does nothing (sources + decode + batching)
 *   memory  ingestFiles() into the memory store (src/store/memory.ts)
 *   sqlite  ingestFiles() into a fresh SQLite file (end to end)
 * The machine is shared, so each row gives CPU-seconds (process.cpuUsage, user + system) beside
 * wall time; events per CPU-second is the figure to compare between runs.
 * Runs the TypeScript sources through tsx, so no build is needed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

register();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const load = (rel) => import(path.join(root, rel));

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '8000' },
    days: { type: 'string', default: '60' },
    formats: { type: 'string', default: 'xml,ndjson,csv,evtx' },
    stages: { type: 'string', default: 'read,decode,noop,memory,sqlite' },
    keep: { type: 'boolean', default: false },
  },
});

const { simulate } = await load('src/simulate/index.ts');
const sources = await load('src/sources/index.ts');
// openSourceBatches is the path ingestFiles reads through; older trees only have openSource.
const readBatches = sources.openSourceBatches ?? async function* (file, opts) {
  for await (const item of sources.openSource(file, opts)) yield [item];
};
const { decodeEvent } = await load('src/kms/decode.ts');
const { ingestFiles } = await load('src/ingest/ingest.ts');
const { createMemoryStore } = await load('src/store/memory.ts');
const { openStore } = await load('src/store/index.ts');

/** A Store whose writes cost nothing: isolates the pipeline from the store. */
function noopStore() {
  return {
    async writeBatch(records) {
      const r = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0, duplicates: 0, logClears: 0 };
      for (const rec of records) {
        if (rec.kind === 'request') r.requests++;
        else if (rec.kind === 'host') r.hostEvents++;
        else if (rec.kind === 'client') r.clientEvents++;
        else r.anomalies++;
      }
      return r;
    },
    async close() {},
  };
}

async function measure(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const events = await fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  return { events, wall, cpu: (c.user + c.system) / 1e6 };
}

function row(format, stage, m, note = '') {
  const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(9);
  console.log(
    `${format.padEnd(7)} ${stage.padEnd(7)} ${m.events.toLocaleString('en-US').padStart(9)} events  ` +
      `wall ${m.wall.toFixed(2).padStart(6)} s ${fmt(m.events / m.wall)}/s  ` +
      `CPU ${m.cpu.toFixed(2).padStart(6)} s ${fmt(m.events / m.cpu)}/CPU-s${note}`,
  );
}

const STAGES = {
  async read(file) {
    let firstIssue;
    const m = await measure(async () => {
      let n = 0;
      for await (const items of readBatches(file, { timezone: 'UTC' })) {
        for (const item of items) {
          if (item.ok) n++;
          else firstIssue ??= item.issue.reason;
        }
      }
      return n;
    });
    if (m.events === 0 && firstIssue) m.note = firstIssue;
    return m;
  },
  async decode(file) {
    const events = [];
    for await (const items of readBatches(file, { timezone: 'UTC' })) for (const item of items) if (item.ok) events.push(item.event);
    return measure(async () => {
      let kept = 0;
      for (const ev of events) if (decodeEvent(ev) !== null) kept++;
      return events.length;
    });
  },
  async noop(file) {
    return ingestInto(noopStore(), file);
  },
  async memory(file) {
    return ingestInto(createMemoryStore(), file);
  },
  async sqlite(file, dir, format) {
    const store = await openStore(path.join(dir, `${format}.db`));
    try {
      return await ingestInto(store, file);
    } finally {
      await store.close();
    }
  },
};

async function ingestInto(store, file) {
  let issues = 0;
  const m = await measure(async () => {
    const s = await ingestFiles(store, [file], { timezone: 'UTC' });
    issues = s.issues.length;
    return s.events;
  });
  m.issues = issues;
  return m;
}

const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-bench-pipeline-'));
try {
  const clients = Number(values.clients);
  const days = Number(values.days);
  const formats = values.formats.split(',');
  const stages = values.stages.split(',');
  console.log(`inputs: ${clients} clients, ${days} days, 1 host (simulator); load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
  for (const format of formats) {
    const out = path.join(dir, format);
    const sim = simulate({ out, clients, hosts: 1, days, seed: 1, format });
    const file = sim.files.find((f) => path.basename(f).includes('-kms.'));
    for (const stage of stages) {
      const run = STAGES[stage];
      if (!run) throw new Error(`unknown stage ${stage} (${Object.keys(STAGES).join(', ')})`);
      let m;
      try {
        m = await run(file, dir, format);
      } catch (err) {
        console.log(`${format.padEnd(7)} ${stage.padEnd(7)} failed: ${err.message.split('\n')[0]}`);
        continue;
      }
      row(format, stage, m, m.note ? `  (${m.note})` : m.issues ? `  (${m.issues} issues)` : '');
    }
  }
} finally {
  if (values.keep) console.log(`inputs kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
