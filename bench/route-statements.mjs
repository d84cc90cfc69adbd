#!/usr/bin/env node
// Where one API answer spends its time: runs a route of the dashboard's API in-process on a store
// (read-only) `--rounds` times and lists, per round, its total and each SQL statement's summed
// time and rows (by the statement's name in src/store/queries), slowest first. On SQLite the
// statements run one after another, so their times add up to the SQL's share; on PostgreSQL they
// overlap (several connections): each is its wait from sent to answered.
//
//   node bench/route-statements.mjs --db <store file or postgres://…> [--url '/api/overview?at=latest'] [--dist <a build's dist/>] [--rounds 3] [--pool N]
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    db: { type: 'string' },
    url: { type: 'string', default: '/api/overview?at=latest' },
    dist: { type: 'string', default: path.join(root, 'dist') },
    rounds: { type: 'string', default: '3' },
    // PostgreSQL: connections (1 runs the statements one after another, so their times add up)
    pool: { type: 'string' },
  },
});
if (!args.db) {
  console.error('--db is required');
  process.exit(2);
}
const load = (p) => import(pathToFileURL(path.join(path.resolve(args.dist), p)).href);
const { openStore } = await load('store/index.js');
const { createApp } = await load('web/app.js');
const store = args.pool && /^postgres/.test(args.db)
  ? await (await load('store/postgres/index.js')).openPostgresStore(args.db, { readOnly: true, poolSize: Number(args.pool) })
  : await openStore(args.db, { readOnly: true });
const times = new Map();
const record = (name, t0, rows) => {
  const e = times.get(name) ?? { n: 0, ms: 0, rows: 0 };
  e.n++;
  e.ms += performance.now() - t0;
  e.rows += rows.length;
  times.set(name, e);
};
const driver = Object.getPrototypeOf(store.db);
for (const method of store.backend === 'sqlite' ? ['rowsNow', 'arraysNow'] : ['rows', 'arrays']) {
  const original = driver[method];
  driver[method] = store.backend === 'sqlite'
    ? function (sql, params) {
      const t0 = performance.now();
      const rows = original.call(this, sql, params);
      record(sql.name, t0, rows);
      return rows;
    }
    : async function (sql, params) {
      const t0 = performance.now();
      const rows = await original.call(this, sql, params);
      record(sql.name, t0, rows);
      return rows;
    };
}
const app = createApp({ store, staticDir: null });
for (let r = 0; r < Number(args.rounds); r++) {
  times.clear();
  const t0 = performance.now();
  const res = await app.inject({ method: 'GET', url: args.url });
  console.log(`round ${r}: ${args.url} ${res.statusCode} ${(performance.now() - t0).toFixed(0)} ms, ${res.body.length} bytes`);
  for (const [name, e] of [...times].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
    console.log(`  ${name.padEnd(28)} ×${e.n} ${e.ms.toFixed(0).padStart(5)} ms ${String(e.rows).padStart(8)} rows`);
  }
}
await app.close();
await store.close();
