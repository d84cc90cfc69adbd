#!/usr/bin/env node
// `npm run bench`: builds, then runs every benchmark script in turn (each prints its own rows,
// ratios against peer tools where there are peers). Pass names to run a subset: `npm run bench -- evtx`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const all = ['evtx', 'pipeline', 'ingest', 'simulate', 'store-simulated', 'store', 'ingest-http'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
const names = wanted.length > 0 ? wanted : all;

const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

let failed = 0;
for (const name of names) {
  const script = path.join(root, 'bench', `${name}.mjs`);
  if (!existsSync(script)) {
    console.log(`\n== ${name}: no bench/${name}.mjs`);
    continue;
  }
  console.log(`\n== ${name} (node bench/${name}.mjs ${passThrough.join(' ')})`);
  const r = spawnSync(process.execPath, [script, ...passThrough], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`== ${name}: exited ${r.status}`);
    failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
