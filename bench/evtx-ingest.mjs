#!/usr/bin/env node
// In-process ingest-path benchmark (after `npm run build`): RawEvents per CPU-second of the EVTX
// source (dist/sources/evtx.js) over a file built from corpus chunks, direct field path vs tree.
// Options: --size MB (default 30), --rounds N (default 3; the best round is reported).
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCorpusDirs, buildBigFile, corpusChunks, describeCorpus } from './evtx-build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const sizeMb = Number(arg('--size', '30'));
const rounds = Number(arg('--rounds', '3'));
// DIST=<dir>: compare another build (a scratch worktree's dist/) on the same file.
const dist = process.env.DIST ?? path.join(root, 'dist');
const { evtxChunkItems } = await import(path.join(dist, 'sources/evtx.js'));
const { TemplateCache } = await import(path.join(dist, 'evtx/binxml/template-cache.js'));
const { chunkSlots } = await import(path.join(dist, 'evtx/file.js'));

const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-bench-ingest-'));
const big = path.join(dir, 'big.evtx');
const corpus = benchCorpusDirs(root);
console.log(describeCorpus(corpus));
buildBigFile(big, corpusChunks(corpus), sizeMb * 1e6);
const bytes = new Uint8Array(readFileSync(big));
rmSync(dir, { recursive: true, force: true });

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
for (const via of ['tree', 'direct', 'tree', 'direct']) {
  let best = Infinity;
  let events = 0;
  for (let r = 0; r < rounds; r++) {
    const cache = new TemplateCache();
    const opts = { file: 'big.evtx', timezone: 'UTC' };
    let index = 0;
    events = 0;
    const t0 = cpu();
    for (const s of chunkSlots(bytes)) {
      const out = evtxChunkItems(s, cache, opts, index, via);
      index = out.index;
      for (const it of out.items) if (it.ok) events++;
    }
    best = Math.min(best, cpu() - t0);
  }
  console.log(`${via.padEnd(6)} ${events} events, ${(bytes.length / 1e6).toFixed(1)} MB: best ${best.toFixed(2)} CPU-s, ${Math.round(events / best)} events/CPU-s, ${(bytes.length / 1e6 / best).toFixed(1)} MB/CPU-s`);
}
