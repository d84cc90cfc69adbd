import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { buildReport } from '../../analysis/report.js';
import { ingestFiles } from '../../ingest/ingest.js';
import { renderReportText } from '../../report/report-text.js';
import { tableWidth, type CliContext } from '../context.js';
import { describeRun, parseInteger, runSimulate } from './simulate.js';

interface DemoOptions {
  db?: string;
  clients: number;
  seed: number;
}

/**
 * `kmswatch demo`: simulate a small fleet into a fresh temporary folder, ingest it and print the
 * report as of the end of the simulated period. The database defaults to demo.db inside that
 * folder, so a demo never touches ./kmswatch.db; --db puts it elsewhere.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('simulate a small KMS fleet in a temporary folder, ingest it and print the report')
    .option('--clients <n>', 'client machines', parseInteger('--clients'), 120)
    .option('--seed <n>', 'seed of the simulated fleet', parseInteger('--seed'), 1)
    .action(async (_opts: DemoOptions, command: Command) => {
      const opts = command.optsWithGlobals<DemoOptions>();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kmswatch-demo-'));
      const logs = path.join(dir, 'logs');
      const sim = runSimulate({ out: logs, clients: opts.clients, hosts: 3, days: 60, seed: opts.seed, format: 'evtx' });
      ctx.stderr.write(describeRun(sim, logs));
      const store = await ctx.openStore(opts.db ?? path.join(dir, 'demo.db'));
      try {
        const summary = await ingestFiles(store, sim.files, { timezone: 'UTC' });
        ctx.stderr.write(
          `ingested ${summary.files} files: ${summary.requests} requests, ${summary.hostEvents} host events, ` +
            `${summary.anomalies} anomalies, ${summary.logClears} log clears, ${summary.issues.length} issues → ${opts.db ?? path.join(dir, 'demo.db')}\n\n`,
        );
        const report = await buildReport(store, { at: Date.parse(sim.truth.at), timezone: 'UTC' });
        ctx.stdout.write(renderReportText(report, { width: tableWidth(ctx.stdout) }));
      } finally {
        await store.close();
      }
      ctx.stderr.write(`\nlogs, truth.json and the database are in ${dir}\n`);
    });
}
