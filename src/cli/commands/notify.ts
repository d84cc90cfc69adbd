import { Command } from 'commander';
import { loadRunSettings, collectAddresses, mailTransport, recipients } from '../../collect/settings.js';
import { runNotify, type NotifyResult } from '../../notify/notify.js';
import { renderClientsCsv } from '../../notify/render-csv.js';
import { printable } from '../../report/cells.js';
import type { CliContext } from '../context.js';
import { atSpecOption, parseTimezone, resolveAt, resolveTimezone } from '../options.js';
import { withStore } from '../store.js';

export interface MailCommandOptions {
  db?: string;
  config?: string;
  smtp?: string;
  from?: string;
  to?: string[];
  dryRun?: boolean;
  always?: boolean;
  at?: string;
  timezone?: string;
}

/** The mail options notify, collect and watch share. */
/** `latest`: the command accepts `--at latest` (notify; collect evaluates after its own ingest). */
export function addMailOptions(command: Command, { latest = false }: { latest?: boolean } = {}): Command {
  return command
    .option('--config <file>', 'kmswatch config (YAML or JSON): sources, mail, alert rules')
    .option('--smtp <url>', 'smtp://host[:port] (STARTTLS when offered; ?starttls=require|never) or smtps://host[:port]; credentials from KMSWATCH_SMTP_USER / KMSWATCH_SMTP_PASS')
    .option('--from <address>', 'sender address (a@x or "Name <a@x>")')
    .option('--to <address>', 'recipients (repeat, or separate with commas or spaces)', collectAddresses)
    .option('--dry-run', 'print the mail instead of sending it; the alert state is not changed')
    .option('--always', 'mail even when nothing is new')
    .option('--at <time>', `evaluate alerts as of this ISO 8601 time${latest ? ', or "latest": the newest stored event' : ''} (default: now)`)
    .option('--timezone <zone>', 'IANA zone of times written without an offset', parseTimezone);
}

/**
 * What the commands print about the mail (stdout). `terminal`: stdout is a terminal, so the dry
 * run's CSV shows its cells escaped and cut as the tables do (piped, it is the attachment as is).
 */
export function describeNotify(result: NotifyResult | null, dryRun: boolean, terminal = false): string {
  if (!result) return 'alerts evaluated; no mail configured (--smtp and --to, or mail: in the config)\n';
  if (result.outcome === 'nothing-new') {
    return `nothing new: no mail sent (${result.pending.ongoing.length} alert${result.pending.ongoing.length === 1 ? '' : 's'} still open)\n`;
  }
  const mail = result.mail!;
  if (dryRun) {
    const shown = terminal && result.digest ? renderClientsCsv(result.digest, { terminal: true }) : mail.csv;
    const csv = mail.csv && shown ? `\n--- clients.csv (${result.digest?.clients.length ?? 0} rows) ---\n${shown.replace(/\r\n/g, '\n')}` : '';
    return `Subject: ${printable(mail.subject)}\n\n${mail.text.split('\n').map(printable).join('\n')}${csv}`;
  }
  return `mail sent: ${printable(mail.subject)}\n`;
}

export function register(program: Command, ctx: CliContext): void {
  addMailOptions(program.command('notify').description('evaluate the alerts and mail the digest when something is new'), { latest: true }).action(
    async (_opts: MailCommandOptions, command: Command) => {
      const opts = command.optsWithGlobals<MailCommandOptions>();
      const settings = await loadRunSettings(opts.config, opts.db, { smtp: opts.smtp, from: opts.from, to: opts.to, always: opts.always });
      const { config } = settings;
      const timezone = resolveTimezone(opts.timezone ?? config.timezone, ctx.env);
      const atSpec = atSpecOption(opts.at, timezone, ctx.now());
      const transport = opts.dryRun ? null : mailTransport(config, ctx.env as NodeJS.ProcessEnv);
      const result = await withStore(ctx, settings.db, async (store) =>
        runNotify(store, {
          at: await resolveAt(atSpec, store, ctx.now()),
          rules: config.alerts,
          transport: transport ?? undefined,
          from: config.mail.from,
          to: recipients(config),
          dryRun: opts.dryRun,
          always: config.mail.always,
        }),
      { create: false });
      ctx.stdout.write(describeNotify(result, Boolean(opts.dryRun), ctx.stdout.isTTY));
    },
  );
}
