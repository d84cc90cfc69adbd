import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CliContext } from './context.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliUsageError } from './errors.js';
import { openConfiguredStore } from './store.js';
import { terminalOutput } from './terminal.js';
import { systemErrorLine } from '../errno.js';
import { liveLogHint } from '../evtx/node/index.js';
import { VERSION } from '../version.js';
type CommandModule = { register(program: Command, ctx: CliContext): void };

/**
 * Every command, in help order, loaded on demand: a run imports only the module of the command it
 * runs (mail, web, PostgreSQL and the simulator stay unloaded), which keeps start-up short.
 * Adding a command is one line here.
 */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<CommandModule>]> = [
  ['demo', () => import('./commands/demo.js')],
  ['ingest', () => import('./commands/ingest.js')],
  ['report', () => import('./commands/report.js')],
  ['clients', () => import('./commands/clients.js')],
  ['alerts', () => import('./commands/alerts.js')],
  ['notify', () => import('./commands/notify.js')],
  ['collect', () => import('./commands/collect.js')],
  ['discover', () => import('./commands/discover.js')],
  ['watch', () => import('./commands/watch.js')],
  ['evtx', () => import('./commands/evtx.js')],
  ['serve', () => import('./commands/serve.js')],
  ['simulate', () => import('./commands/simulate.js')],
  ['db', () => import('./commands/db.js')],
];

/** The command an argv names (skipping global options), or null: then every command is registered (help, typos). */
function requestedCommand(argv: readonly string[]): string | null {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--db') {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return COMMANDS.some(([name]) => name === arg) ? arg : null;
  }
  return null;
}

/** `kmswatch --version` (and `-V`) before any command: commander answers it without one. */
function asksVersionOnly(argv: readonly string[]): boolean {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--version' || arg === '-V') return true;
    if (arg === '--db') i++;
    else if (!arg.startsWith('-')) return false;
  }
  return false;
}

async function loadCommands(argv: readonly string[]): Promise<CommandModule[]> {
  if (asksVersionOnly(argv)) return [];
  const wanted = requestedCommand(argv);
  const chosen = wanted === null ? COMMANDS : COMMANDS.filter(([name]) => name === wanted);
  return Promise.all(chosen.map(([, load]) => load()));
}

export function buildProgram(ctx: CliContext, commands: readonly CommandModule[]): Command {
  const program = new Command('kmswatch')
    .description('Reads the Key Management Service event log of KMS hosts and reports what matters.')
    .version(VERSION)
    .option('--db <url>', 'database: a SQLite file, :memory: or postgres://… (default: KMSWATCH_DB or ./kmswatch.db)')
    .showHelpAfterError('(run kmswatch --help for usage)')
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      writeErr: (s) => void ctx.stderr.write(s),
    })
    .exitOverride();
  // Commands created after this point inherit the output and exit handling above.
  for (const command of commands) command.register(program, ctx);
  return program;
}

/**
 * Runs one command line (`argv` as process.argv: node, script, args...) and returns the exit
 * code: 0 ok, 1 some input failed, 2 usage. Never throws; errors are one line on stderr (with the
 * stack when KMSWATCH_DEBUG=1). ctx's streams are replaced by their terminal-safe versions.
 */
export async function run(argv: readonly string[], ctx: CliContext): Promise<number> {
  // Every word of output, help and errors included, reaches a terminal escaped (terminal.ts).
  ctx.stdout = terminalOutput(ctx.stdout);
  ctx.stderr = terminalOutput(ctx.stderr);
  const program = buildProgram(ctx, await loadCommands(argv));
  try {
    await program.parseAsync([...argv]);
    return ctx.exitCode;
  } catch (err) {
    return Math.max(ctx.exitCode, reportError(err, ctx));
  }
}

function reportError(err: unknown, ctx: CliContext): number {
  if (err instanceof CommanderError) {
    // Help and --version end through exitOverride too, with code 0; commander printed the message.
    if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
    return EXIT_USAGE;
  }
  const debug = ctx.env.KMSWATCH_DEBUG === '1';
  if (err instanceof CliUsageError) {
    ctx.stderr.write(`kmswatch: error: ${err.message}\n(run kmswatch --help for usage)\n`);
    if (debug && err.stack) ctx.stderr.write(`${err.stack}\n`);
    return EXIT_USAGE;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  const path = (e as { path?: unknown }).path;
  const hint = typeof path === 'string' ? liveLogHint(e, path) : '';
  ctx.stderr.write(`kmswatch: ${systemErrorLine(e) ?? `${e.name}${typeof code === 'string' ? ` ${code}` : ''}: ${e.message}`}${hint}\n`);
  if (debug) ctx.stderr.write(`${e.stack ?? ''}${e.cause ? `\ncause: ${String((e.cause as Error)?.stack ?? e.cause)}` : ''}\n`);
  return EXIT_FAILED;
}

export function processContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    openStore(url, options) {
      return openConfiguredStore(url, this.env, options);
    },
    exitCode: EXIT_OK,
    now: () => Date.now(),
  };
}

/** Entry point of bin/kmswatch. */
export async function main(argv: string[]): Promise<void> {
  // `kmswatch report | head`: a closed pipe ends the output quietly, not with a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const code = await run(argv, processContext());
  process.exitCode = Math.max(code, Number(process.exitCode ?? 0));
}

// `tsx src/cli/main.ts …` runs the CLI from source without a build.
const invokedPath = process.argv[1] ? safeRealpath(process.argv[1]) : '';
if (invokedPath && invokedPath === safeRealpath(fileURLToPath(import.meta.url))) void main(process.argv);

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
