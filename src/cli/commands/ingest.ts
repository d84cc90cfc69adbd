import { Command, InvalidArgumentError, Option } from 'commander';
import { emptySummary, type IngestSummary } from '../../ingest/types.js';
import { isKnownEncoding } from '../../sources/codepage.js';
import { INPUT_FORMATS, unknownEncodingReason } from '../../sources/formats.js';
import type { InputFormat, InputIssue } from '../../sources/types.js';
import { renderJson } from '../../report/json.js';
import { printable } from '../../report/cells.js';
import { raiseExitCode, type CliContext } from '../context.js';
import { EXIT_FAILED } from '../errors.js';
import { parseTimezone, resolveTimezone } from '../options.js';
import { createProgress } from '../progress.js';
import { withStore } from '../store.js';

/** `--encoding`: a code page iconv-lite knows (cp850, cp437, cp1252, windows-1252…) or a UTF name. */
export function parseEncoding(text: string): string {
  if (!isKnownEncoding(text)) throw new InvalidArgumentError(`${unknownEncodingReason(text)}.`);
  return text;
}

interface IngestOptions {
  db?: string;
  format?: InputFormat;
  host?: string;
  encoding?: string;
  timezone?: string;
  json?: boolean;
  skipDamaged?: boolean;
}

/** The summary this command prints: src/ingest's IngestSummary. */
export type IngestSummaryView = IngestSummary;

export function register(program: Command, ctx: CliContext): void {
  program
    .command('ingest')
    .description('read KMS host exports (EVTX, XML, wevtutil text, CSV, JSON) into the database; re-reading adds nothing')
    .argument('<file...>', 'exported event logs; a directory or a pattern such as exports\\*.evtx stands for the exports in it')
    .addOption(new Option('--format <format>', 'skip detection and read every file as this format').choices(INPUT_FORMATS))
    .option('--host <name>', 'KMS host name for exports without a computer column (Event Viewer CSV/TXT: required for them); a short name joins the stored host whose FQDN starts with it')
    .option('--encoding <codepage>', 'code page of text exports without a BOM, e.g. cp850 for wevtutil output redirected in cmd.exe (default: UTF-8)', parseEncoding)
    .option('--timezone <zone>', 'IANA zone of times written without an offset (default: this machine\'s)', parseTimezone)
    .option('--json', 'print the summary as JSON')
    .option('--skip-damaged', 'leave out the events of EVTX chunks whose CRC fails instead of storing them marked')
    .action(async (files: string[], _opts: IngestOptions, command: Command) => {
      const opts = command.optsWithGlobals<IngestOptions>();
      const timezone = resolveTimezone(opts.timezone, ctx.env);
      const { ingestFiles } = await import('../../ingest/ingest.js');
      const { resolveInputs } = await import('../../ingest/inputs.js');
      const { requireHostFor } = await import('../../ingest/hosts.js');
      const inputs = await resolveInputs(files, { format: opts.format });
      // Exports that name no computer, without --host: refused before a database is opened, or created.
      await requireHostFor(inputs.files, opts);
      const progress = createProgress(ctx.stderr, inputs.files.length);
      let summary: IngestSummaryView;
      try {
        // Nothing to read (a pattern that matched nothing): no database is opened, or created.
        summary = inputs.files.length === 0
          ? emptySummary()
          : await withStore(ctx, opts.db, (store) => ingestFiles(store, inputs.files, { format: opts.format, host: opts.host, encoding: opts.encoding, timezone, skipDamaged: opts.skipDamaged }, progress.update));
      } finally {
        progress.stop();
      }
      const problems = inputs.problems.map(({ file, reason }): InputIssue => ({ file, format: 'unknown', reason, fatal: true }));
      summary = { ...summary, issues: [...problems, ...summary.issues] };
      if (opts.json) ctx.stdout.write(renderJson({ timezone, ...summary, skipped: inputs.skipped }));
      else ctx.stdout.write(formatSummary(summary, timezone, inputs.skipped));
      for (const issue of summary.issues) ctx.stderr.write(`kmswatch: ${formatIssue(issue)}\n`);
      for (const note of summary.notes) ctx.stderr.write(`kmswatch: note: ${formatIssue(note)}\n`);
      if (summary.issues.length > 0) raiseExitCode(ctx, EXIT_FAILED);
    });
}

export function formatIssue(issue: InputIssue): string {
  const where = [
    issue.line !== undefined ? `line ${issue.line}` : '',
    issue.record !== undefined ? `record ${issue.record}` : '',
    issue.offset !== undefined ? `offset 0x${issue.offset.toString(16)}` : '',
  ].filter(Boolean);
  const place = [printable(issue.file), ...where].join(': ');
  return `${place}: ${issue.fatal ? 'not read: ' : ''}${printable(issue.reason)}`;
}

/** How many names of skipped files the summary lists before "and N more". */
const SKIPPED_LISTED = 5;

export function formatSummary(s: IngestSummaryView, timezone: string, skipped: readonly string[] = []): string {
  const fatal = s.issues.filter((i) => i.fatal).length;
  const rows: [string, number][] = [
    ['files', s.files],
    ['events', s.events],
    ['new requests', s.requests],
    ['new host events', s.hostEvents],
    ['new client events', s.clientEvents],
    ['duplicates skipped', s.duplicates],
    ['ignored (not KMS)', s.ignored],
    ['anomalies', s.anomalies],
    ['log clears', s.logClears],
    ...(s.damagedKept || s.damagedSkipped ? [[s.damagedSkipped ? 'from damaged chunks, left out' : 'from damaged chunks, kept', s.damagedSkipped || s.damagedKept] as [string, number]] : []),
    // local times of the repeated hour when daylight saving ends (docs/definitions.md "local time")
    ...(s.ambiguousByOrder ? [['repeated-hour times, by order', s.ambiguousByOrder] as [string, number]] : []),
    ...(s.ambiguousEarlier ? [['repeated-hour times, earlier', s.ambiguousEarlier] as [string, number]] : []),
    ...(s.shifted ? [['times off (wrong zone)', s.shifted] as [string, number]] : []),
    ...(s.withheld ? [['left out with them', s.withheld] as [string, number]] : []),
    ['errors', s.issues.length],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, n]) => `  ${label.padEnd(width)}  ${n}`);
  const head = `Ingested ${s.files} file${s.files === 1 ? '' : 's'} (times without an offset read as ${timezone})`;
  const notes = s.notes.length ? ` ${s.notes.length} note${s.notes.length === 1 ? '' : 's'} below.` : '';
  const tail = (s.issues.length ? `${s.issues.length} problem${s.issues.length === 1 ? '' : 's'}${fatal ? `, ${fatal} file(s) not read` : ''}: see below.` : 'No problems.') + notes;
  const damaged = s.damagedKept
    ? `${s.damagedKept} event${s.damagedKept === 1 ? '' : 's'} came from EVTX chunks whose CRC fails: stored, and marked in the report ("From damaged chunks"); --skip-damaged leaves them out.\n`
    : s.damagedSkipped ? `${s.damagedSkipped} event${s.damagedSkipped === 1 ? '' : 's'} from EVTX chunks whose CRC fails left out (--skip-damaged).\n` : '';
  const names = skipped.slice(0, SKIPPED_LISTED).map(printable).join(', ') + (skipped.length > SKIPPED_LISTED ? ` and ${skipped.length - SKIPPED_LISTED} more` : '');
  const skippedLine = skipped.length ? `Skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} found by directory or pattern that ${skipped.length === 1 ? 'is not an export' : 'are not exports'}: ${names}.\n` : '';
  return `${head}\n${lines.join('\n')}\n${skippedLine}${damaged}${tail}\n`;
}
