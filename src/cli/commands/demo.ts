import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { keepKnownHosts } from '../../analysis/client-side-report.js';
import { buildReport } from '../../analysis/report.js';
import { ingestFiles } from '../../ingest/ingest.js';
import { renderReportText } from '../../report/report-text.js';
import { tableWidth, type CliContext } from '../context.js';
import { CliUsageError } from '../errors.js';
import { parseAt } from '../options.js';
import { describeRun, parseInteger, runSimulate } from './simulate.js';

interface DemoOptions {
  db?: string;
  clients: number;
  hosts: number;
  days: number;
  seed: number;
  at?: string;
  serve?: boolean;
  port: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The dashboard's default address (src/web/server.ts DEFAULT_PORT; not imported, to keep fastify out of CLI start-up). */
export const DEMO_SERVE_URL = 'http://127.0.0.1:8427';
export const DEMO_SERVE_PORT = 8427;

/** The simulated period: it ends at `at` (default now, rounded down to the hour) and lasts `days`. */
export function demoPeriod(now: number, days: number, at?: string): { start: number; end: number } {
  const endMs = at === undefined ? Math.floor(now / HOUR_MS) * HOUR_MS : Math.floor(parseAt(at, 'UTC') / 1000) * 1000;
  return { start: endMs - days * DAY_MS, end: endMs };
}

/** A shell word: as is when plain, else single-quoted (the commands printed are meant to be pasted). */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What to try next, with the database the demo wrote. */
export function nextSteps(db: string): string {
  const d = shellWord(db);
  return (
    `\nnext, with the demo database:\n` +
    `  kmswatch report --db ${d}              the same report as of now\n` +
    `  kmswatch clients --db ${d} --state 5   clients in notification (not activated)\n` +
    `  kmswatch serve --db ${d}               web dashboard on ${DEMO_SERVE_URL}/\n`
  );
}

/**
 * `kmswatch demo`: simulate a small fleet into a fresh temporary folder, ingest it and print the
 * report. The simulated period ends now (rounded down to the hour), so a later `kmswatch report`
 * on the demo database, as of now, shows a live fleet; --at pins the period for repeatable runs.
 * The database defaults to demo.db inside that folder, so a demo never touches ./kmswatch.db.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('simulate a small KMS fleet up to now in a temporary folder, ingest it and print the report')
    .option('--clients <n>', 'client machines', parseInteger('--clients'), 120)
    .option('--hosts <n>', 'KMS hosts', parseInteger('--hosts'), 3)
    .option('--days <n>', 'length of the simulated period in days', parseInteger('--days'), 60)
    .option('--seed <n>', 'seed of the simulated fleet (the same seed and end give the same fleet)', parseInteger('--seed'), 1)
    .option('--at <time>', 'end of the period and time of the report, ISO 8601, UTC unless it has an offset (default: now, rounded down to the hour)')
    .option('--serve', 'then serve the web dashboard on the demo database (Ctrl-C stops)')
    .option('--port <n>', 'port for --serve', parseInteger('--port'), DEMO_SERVE_PORT)
    .action(async (_opts: DemoOptions, command: Command) => {
      const opts = command.optsWithGlobals<DemoOptions>();
      if (opts.days < 1) throw new CliUsageError('--days must be 1 or more', 'CLI_BAD_OPTION', '--days');
      const period = demoPeriod(ctx.now(), opts.days, opts.at);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmswatch-demo-'));
      const logs = path.join(dir, 'logs');
      const sim = runSimulate({ out: logs, clients: opts.clients, hosts: opts.hosts, days: opts.days, seed: opts.seed, format: 'evtx', start: period.start, clientLogs: true });
      // the simulated kmswatch.yaml lists the one KMS host whose log is not collected
      const knownHosts = sim.truth.clientSide?.knownHosts ?? [];
      ctx.stderr.write(describeRun(sim, logs));
      const db = opts.db ?? path.join(dir, 'demo.db');
      const store = await ctx.openStore(db);
      try {
        const summary = await ingestFiles(store, sim.files, { timezone: 'UTC' });
        // as `collect --config logs/kmswatch.yaml` would: a later `report` or `serve` knows the host too
        await keepKnownHosts(store, knownHosts);
        ctx.stderr.write(
          `ingested ${summary.files} files: ${summary.requests} requests, ${summary.hostEvents} host events, ` +
            `${summary.anomalies} anomalies, ${summary.logClears} log clears, ${summary.issues.length} issues → ${db}\n\n`,
        );
        const report = await buildReport(store, { at: Date.parse(sim.truth.at), timezone: 'UTC', knownHosts });
        ctx.stdout.write(renderReportText(report, { width: tableWidth(ctx.stdout) }));
      } finally {
        await store.close();
      }
      ctx.stderr.write(`\nlogs, truth.json and the database are in ${dir}\n`);
      ctx.stderr.write(nextSteps(db));
      if (opts.serve) await serveDemo(ctx, db, opts.port);
    });
}

/** `--serve`: the dashboard on the demo database until Ctrl-C (as `kmswatch serve`, reads only). */
async function serveDemo(ctx: CliContext, db: string, port: number): Promise<void> {
  const { startServer } = await import('../../web/server.js');
  const { VERSION } = await import('../../version.js');
  const store = await ctx.openStore(db);
  try {
    const server = await startServer({ store, port, timezone: 'UTC', version: VERSION });
    ctx.stderr.write(`\nkmswatch: serving the demo on ${server.url}/ (Ctrl-C stops)\n`);
    const signal = await new Promise<string>((resolve) => {
      const stop = (s: string) => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(s);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    ctx.stderr.write(`kmswatch: ${signal}: stopping\n`);
    await server.close();
  } finally {
    await store.close();
  }
}
