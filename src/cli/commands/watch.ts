import { Command } from 'commander';
import { parseEvery, runWatch } from '../../collect/watch.js';
import { printable } from '../../report/cells.js';
import { raiseExitCode, type CliContext } from '../context.js';
import { CliUsageError, EXIT_FAILED } from '../errors.js';
import { collectOnce, collectSettings } from './collect.js';
import { addMailOptions, type MailCommandOptions } from './notify.js';

interface WatchOptions extends MailCommandOptions {
  every: string;
  skipDamaged?: boolean;
}

/** Signals that stop the loop; injectable so tests need not send real signals. */
export interface SignalSource {
  once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  removeListener(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export function register(program: Command, ctx: CliContext, signals: SignalSource = process): void {
  addMailOptions(
    program
      .command('watch')
      .description('run collect in a loop (ingest, alerts, mail); SIGINT/SIGTERM stop it after the current run')
      .option('--every <duration>', 'interval between runs: 30s, 15m, 1h…', '15m')
      .option('--skip-damaged', 'leave out the events of EVTX chunks whose CRC fails instead of storing them marked (as collect)'),
  ).action(async (_opts: WatchOptions, command: Command) => {
    const opts = command.optsWithGlobals<WatchOptions>();
    if (opts.at) throw new CliUsageError('--at makes no sense for watch (each run uses the current time)', 'CLI_BAD_OPTION', '--at');
    let everyMs: number;
    try {
      everyMs = parseEvery(opts.every);
    } catch (err) {
      throw new CliUsageError((err as Error).message, 'CLI_BAD_OPTION', '--every');
    }
    // A config without sources is a usage error at once, not a failed run every interval.
    await collectSettings(opts);
    const controller = new AbortController();
    const stop = () => {
      ctx.stderr.write('kmswatch: stopping after the current run\n');
      controller.abort();
    };
    signals.once('SIGINT', stop);
    signals.once('SIGTERM', stop);
    try {
      await runWatch(
        async () => {
          if (!(await collectOnce(ctx, opts))) raiseExitCode(ctx, EXIT_FAILED);
        },
        {
          everyMs,
          signal: controller.signal,
          onError: (err) => {
            const e = err as Error;
            ctx.stderr.write(`kmswatch: run failed: ${e.name}: ${printable(e.message)}\n`);
            raiseExitCode(ctx, EXIT_FAILED);
          },
        },
      );
    } finally {
      signals.removeListener('SIGINT', stop);
      signals.removeListener('SIGTERM', stop);
    }
  });
}
