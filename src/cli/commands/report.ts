import { Command, Option } from 'commander';
import { buildReport } from '../../analysis/report.js';
import { renderJson } from '../../report/json.js';
import { REPORT_CSV_SECTIONS, renderReportCsv, type ReportCsvSection } from '../../report/report-csv.js';
import { renderReportText } from '../../report/report-text.js';
import { tableWidth, type CliContext } from '../context.js';
import { atSpecOption, parseCount, resolveAt, parsePositive, parseTimezone, resolveTimezone } from '../options.js';
import { withStore } from '../store.js';
import { loadRunSettings } from '../../collect/settings.js';

interface ReportOptions {
  db?: string;
  at?: string;
  timezone?: string;
  json?: boolean;
  csv?: boolean;
  section: ReportCsvSection;
  idleHours?: number;
  expiringDays?: number;
  anomalies?: number;
  config?: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('KMS counts vs thresholds, clones, failures, clients, DNS publishing, log clears and anomalies')
    .option('--at <time>', 'report as of this ISO 8601 time, or "latest": the newest stored event (default: now)')
    .option('--timezone <zone>', 'IANA zone for times without an offset and for the tables (default: this machine\'s)', parseTimezone)
    .addOption(new Option('--json', 'the report as JSON (a stable scripting interface)').conflicts('csv'))
    .addOption(new Option('--csv', 'one section of the report as CSV').conflicts('json'))
    .addOption(new Option('--section <name>', 'CSV section').choices(REPORT_CSV_SECTIONS).default('counts'))
    .option('--idle-hours <n>', 'a host with no request for more than this is idle', parsePositive, 24)
    .option('--expiring-days <n>', 'list clients whose state expires within this many days', parseCount, 14)
    .option('--anomalies <n>', 'how many anomalies to list (newest first)', parseCount, 100)
    .option('--config <file>', 'kmswatch config (YAML or JSON): discover.knownHosts (KMS hosts not collected, never rogue), db, timezone')
    .action(async (_opts: ReportOptions, command: Command) => {
      const opts = command.optsWithGlobals<ReportOptions>();
      const { config, db } = await loadRunSettings(opts.config, opts.db, {});
      const timezone = resolveTimezone(opts.timezone ?? config.timezone, ctx.env);
      const atSpec = atSpecOption(opts.at, timezone, ctx.now());
      const report = await withStore(ctx, db, async (store) =>
        buildReport(store, {
          at: await resolveAt(atSpec, store, ctx.now()),
          timezone,
          idleHours: opts.idleHours,
          expiringDays: opts.expiringDays,
          anomalyLimit: opts.anomalies,
          knownHosts: config.discover.knownHosts,
        }),
      { readOnly: true });
      if (opts.json) ctx.stdout.write(renderJson(report));
      else if (opts.csv) ctx.stdout.write(renderReportCsv(report, opts.section, { terminal: ctx.stdout.isTTY }));
      else ctx.stdout.write(renderReportText(report, { width: tableWidth(ctx.stdout) }));
    });
}
