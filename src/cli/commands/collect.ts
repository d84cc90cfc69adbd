import { Command } from 'commander';
import { runCollect, type CollectResult } from '../../collect/collect.js';
import { defaultIngestor } from '../../collect/ingestor.js';
import { loadRunSettings, mailTransport, type RunSettings } from '../../collect/settings.js';
import { printable } from '../../report/cells.js';
import { raiseExitCode, type CliContext } from '../context.js';
import { CliUsageError, EXIT_FAILED } from '../errors.js';
import { atOption, resolveTimezone } from '../options.js';
import { withStore } from '../store.js';
import { formatIssue } from './ingest.js';
import { addMailOptions, describeNotify, type MailCommandOptions } from './notify.js';

export function describeCollect(r: CollectResult): string {
  const lines: string[] = [];
  for (const s of r.sources) {
    const files = s.matched !== undefined ? `${s.matched} file${s.matched === 1 ? '' : 's'} (${s.unchanged ?? 0} unchanged)` : '';
    const got = s.ingested ? `${s.ingested.requests} new requests, ${s.ingested.hostEvents} host events, ${s.ingested.duplicates} duplicates` : '';
    const state = s.error ? `FAILED: ${s.error}` : [files, got].filter(Boolean).join(', ') || 'nothing new';
    lines.push(`${printable(s.source)}: ${printable(state)}`);
  }
  const d = r.discovery;
  if (d) {
    const failed = d.lookupsFailed ? `, ${d.lookupsFailed} lookup${d.lookupsFailed === 1 ? '' : 's'} FAILED` : '';
    lines.push(d.error ? `discover: FAILED: ${printable(d.error)}` : `discover: ${d.domains.length} domain${d.domains.length === 1 ? '' : 's'} checked, ${d.records} SRV record${d.records === 1 ? '' : 's'}${failed}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The run's settings; a usage error when they name no source, before any database is opened (or created). */
export async function collectSettings(opts: MailCommandOptions): Promise<RunSettings> {
  const settings = await loadRunSettings(opts.config, opts.db, { smtp: opts.smtp, from: opts.from, to: opts.to, always: opts.always });
  if (settings.config.sources.length === 0) {
    const where = opts.config === undefined ? 'no --config FILE was given' : `${opts.config} has none`;
    throw new CliUsageError(
      `no sources configured: collect reads the sources: list of a config file and ${where} (README, "Alerts, e-mail and unattended runs"); to evaluate alerts and mail without ingesting, run kmswatch notify`,
      'CLI_USAGE',
      '--config',
    );
  }
  return settings;
}

/** One collect run inside an open command (shared with watch). Returns false when some source failed. */
export async function collectOnce(ctx: CliContext, opts: MailCommandOptions & { skipDamaged?: boolean }): Promise<boolean> {
  const settings = await collectSettings(opts);
  const { config } = settings;
  const timezone = resolveTimezone(opts.timezone ?? config.timezone, ctx.env);
  const transport = opts.dryRun ? null : mailTransport(config, ctx.env as NodeJS.ProcessEnv);
  const result = await withStore(ctx, settings.db, (store) =>
    runCollect(store, { ingest: defaultIngestor, transport }, {
      config,
      baseDir: settings.baseDir,
      timezone,
      // --at is for replays and tests; otherwise alerts are evaluated after the ingest, at its end
      at: atOption(opts.at, timezone, ctx.now()),
      now: () => ctx.now(),
      dryRun: opts.dryRun,
      always: config.mail.always,
      skipDamaged: opts.skipDamaged,
    }),
  );
  ctx.stdout.write(describeCollect(result));
  for (const issue of result.totals.issues) ctx.stderr.write(`kmswatch: ${formatIssue(issue)}\n`);
  for (const note of result.totals.notes) ctx.stderr.write(`kmswatch: note: ${formatIssue(note)}\n`);
  for (const s of result.sources) if (s.error) ctx.stderr.write(`kmswatch: ${printable(s.source)}: ${printable(s.error)}\n`);
  ctx.stdout.write(describeNotify(result.notify, Boolean(opts.dryRun), ctx.stdout.isTTY));
  return result.ok && result.totals.issues.length === 0;
}

export function register(program: Command, ctx: CliContext): void {
  addMailOptions(
    program
      .command('collect')
      .description('ingest new events from the configured sources (files, wevtutil), evaluate alerts, mail what is new: one run for cron, systemd timers and Task Scheduler')
      .option('--skip-damaged', 'leave out the events of EVTX chunks whose CRC fails instead of storing them marked'),
  ).action(async (_opts: MailCommandOptions, command: Command) => {
    const ok = await collectOnce(ctx, command.optsWithGlobals<MailCommandOptions & { skipDamaged?: boolean }>());
    if (!ok) raiseExitCode(ctx, EXIT_FAILED);
  });
}
