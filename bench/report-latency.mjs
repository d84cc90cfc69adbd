#!/usr/bin/env node
// What a reader waits for on a kept store (npm run bench:store -- --keep writes one under bench/out/):
// the report, the alert rules, the dashboard's overview (both at once, as GET /api/overview) and
// GET /metrics, each timed in turn, as of the newest stored request (`latest`: what the dashboard
// shows of a kept store; bench/store.mjs adds 1,000 requests after its history's end), of the
// history's end (`end`: a past instant then) or of now.
//
//   node bench/report-latency.mjs --db bench/out/store-<pid>.db [--dist <a build's dist/>] [--at latest|end|now] [--rounds 2]
//
// --dist runs another build on the same store (a worktree of an older commit, built with
// `npx tsc -p tsconfig.build.json`), so old and new can be interleaved on one file.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    dist: { type: 'string', default: path.join(root, 'dist') },
    at: { type: 'string', default: 'latest' },
    rounds: { type: 'string', default: '2' },
  },
});
if (!args.db) {
  console.error('--db FILE is required (a SQLite store kept by bench/store.mjs --keep)');
  process.exit(2);
}
const src = (p) => import(path.join(path.resolve(args.dist), p));
const { openSqliteStore } = await src('store/sqlite/index.js');
const { buildReport } = await src('analysis/report.js');
const { currentAlerts } = await src('alerts/run.js');
const { defaultConfig } = await src('alerts/config.js');
const { gatherMetrics } = await src('web/metrics.js');
const store = await openSqliteStore(args.db, { readOnly: true });
// bench/store.mjs's history ends at END
const END = Date.UTC(2026, 10, 1);
const newest = Math.max(...(await store.hostActivity(Date.now() + 365 * 86_400_000)).map((h) => h.lastRequestAt ?? 0));
const AT = args.at === 'now' ? Date.now() : args.at === 'end' ? END : newest;
// as GET /api/overview builds it: builds that share the reads of one answer do so
const shared = existsSync(path.join(path.resolve(args.dist), 'store/shared-reads.js')) ? (await src('store/shared-reads.js')).withSharedReads : (s) => s;
const rules = defaultConfig().alerts;
const timed = async (work) => {
  const t = performance.now();
  await work();
  return Math.round(performance.now() - t);
};
for (let round = 0; round < Number(args.rounds); round++) {
  const ms = {
    report: await timed(() => buildReport(store, { at: AT, timezone: 'UTC', anomalyLimit: 0 })),
    alerts: await timed(() => currentAlerts(store, AT, rules)),
    overview: await timed(() => {
      const view = shared(store);
      return Promise.all([buildReport(view, { at: AT, timezone: 'UTC', anomalyLimit: 0 }), currentAlerts(view, AT, rules)]);
    }),
    metrics: await timed(() => gatherMetrics(store, AT, 'UTC')),
  };
  console.log(JSON.stringify({ dist: args.dist, at: args.at, round, ms }));
}
await store.close();
