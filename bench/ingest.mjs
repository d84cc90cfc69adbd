#!/usr/bin/env node
/**
 * Ingest throughput of the SQLite store (not a test: prints figures).
 *
 *   node bench/ingest.mjs [--requests N] [--batch N (default: the ingest batch size)] [--clients N] [--pipeline-events N]
 *
 * 1. store:    N generated KmsRequest records (built in memory before the clock starts) written
 *              with Store.writeBatch in batches into a fresh database file → requests/s.
 * 2. pipeline: a generated wevtutil-style XML export read, decoded and stored by ingestFiles()
 *              → events/s for the whole path (skipped while src/sources has no openSource).
 * Runs the TypeScript sources through tsx, so no build is needed.
 */
import { mkdtempSync, rmSync, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { openStore } = await import(path.join(root, 'src/store/index.ts'));

const args = parseArgs(process.argv.slice(2));
const REQUESTS = args.requests ?? 1_000_000;
const BATCH = args.batch ?? 10_000;
const CLIENTS = args.clients ?? 20_000;
const PIPELINE_EVENTS = args['pipeline-events'] ?? 200_000;



function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
    out[name] = value;
  }
  return out;
}

const PRODUCTS = [
  { activationId: '2de67392-b7a7-462a-b1ca-108dd189f588', name: 'Windows 10/11 Pro', kmsGroup: 'Windows 10/11 2015 (Volume)', kmsGroupId: '', application: 'Windows', minimumCount: 25, known: true },
  { activationId: 'fbdb3e18-a8ef-4fb3-9183-dffd60bd0984', name: 'Office LTSC Professional Plus 2021', kmsGroup: 'Office LTSC 2021', kmsGroupId: '', application: 'Office', minimumCount: 5, known: true },
];

function cmid(n) {
  return `${(n * 2654435761 >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function makeRequests(count, t0) {
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const client = (i * 7919) % CLIENTS;
    const product = PRODUCTS[client % 5 === 0 ? 1 : 0];
    const time = t0 + i * 1500;
    out[i] = {
      kind: 'request', host: `KMS0${i % 3}.corp.example`, channel: 'Key Management Service', eventId: 12290,
      recordId: Math.floor(i / 3) + 1, time, source: 'bench (generated)',
      result: i % 50 === 0 ? 0xc004f06c : 0, resultHex: i % 50 === 0 ? '0xC004F06C' : '0x0',
      minimumCount: product.minimumCount, machine: `PC${client}.corp.example`, cmid: cmid(client),
      clientTimeText: '2026/11/1 8:00', clientTime: time, isVm: client % 3 === 0, licenseState: 1,
      minutesLeft: 259200 - (i % 5000), activationId: product.activationId, product,
    };
  }
  return out;
}

async function benchStore() {
  const records = makeRequests(REQUESTS, Date.UTC(2026, 0, 1));
  const file = path.join(dir, 'store.db');
  const store = await openStore(file);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let written = 0;
  for (let i = 0; i < records.length; i += BATCH) written += (await store.writeBatch(records.slice(i, i + BATCH))).requests;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const dupStarted = performance.now();
  const dup = await store.writeBatch(records.slice(0, BATCH));
  const dupSeconds = (performance.now() - dupStarted) / 1000;
  await store.close();
  const size = statSync(file).size + (safeSize(`${file}-wal`));
  console.log(`store: ${written.toLocaleString('en-US')} requests in ${seconds.toFixed(2)} s = ${Math.round(written / seconds).toLocaleString('en-US')} requests/s (batch ${BATCH}, ${CLIENTS} clients, db ${(size / 1048576).toFixed(0)} MiB)`);
  // on a shared machine wall time includes waiting for a core; CPU time does not
  console.log(`store: CPU ${cpuSeconds.toFixed(2)} s = ${Math.round(written / cpuSeconds).toLocaleString('en-US')} requests per CPU-second; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
  console.log(`store: re-ingest of one batch: ${dup.duplicates} duplicates in ${(dupSeconds * 1000).toFixed(0)} ms`);
}

function safeSize(file) {
  try { return statSync(file).size; } catch { return 0; }
}

async function benchPipeline() {
  let ingestFiles;
  try {
    ({ ingestFiles } = await import(path.join(root, 'src/ingest/ingest.ts')));
    await import(path.join(root, 'src/sources/index.ts'));
  } catch (err) {
    console.log(`pipeline: skipped (${err.message.split('\n')[0]})`);
    return;
  }
  const xml = path.join(dir, 'export.xml');
  await writeXmlExport(xml, PIPELINE_EVENTS);
  const store = await openStore(path.join(dir, 'pipeline.db'));
  const started = performance.now();
  const summary = await ingestFiles(store, [xml], { timezone: 'UTC' });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  console.log(`pipeline: ${summary.events.toLocaleString('en-US')} XML events → ${summary.requests.toLocaleString('en-US')} requests in ${seconds.toFixed(2)} s = ${Math.round(summary.events / seconds).toLocaleString('en-US')} events/s (${summary.issues.length} issues)`);
}

/** A wevtutil `qe /f:xml` style export: <Events> with one <Event> per 12290. */
async function writeXmlExport(file, count) {
  const out = createWriteStream(file);
  const t0 = Date.UTC(2026, 0, 1);
  out.write('<?xml version="1.0" encoding="utf-8"?>\n<Events>\n');
  for (let i = 0; i < count; i++) {
    const client = (i * 7919) % CLIENTS;
    const product = PRODUCTS[client % 5 === 0 ? 1 : 0];
    const info = ['0x0', product.minimumCount, `PC${client}.corp.example`, cmid(client), '2026/1/1 8:00', client % 3 === 0 ? 1 : 0, 1, 259200, product.activationId];
    const data = [info.join(','), ...info].map((d) => `<Data>${d}</Data>`).join('');
    const line = `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-SPP" Guid="{E23B33B0-C8C9-472C-A5F9-F2BDFEA0F156}" EventSourceName="KmsRequests"/><EventID Qualifiers="16384">12290</EventID><Version>0</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x80000000000000</Keywords><TimeCreated SystemTime="${new Date(t0 + i * 1500).toISOString()}"/><EventRecordID>${i + 1}</EventRecordID><Correlation/><Execution ProcessID="0" ThreadID="0"/><Channel>Key Management Service</Channel><Computer>KMS01.corp.example</Computer><Security/></System><EventData>${data}</EventData></Event>\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end('</Events>\n');
  await once(out, 'finish');
}

const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-bench-'));
try {
  await benchStore();
  await benchPipeline();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
