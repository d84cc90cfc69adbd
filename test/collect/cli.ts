import { Command, CommanderError } from 'commander';
import type { CliContext } from '../../src/cli/context.js';
import { CliUsageError } from '../../src/cli/errors.js';
import * as alerts from '../../src/cli/commands/alerts.js';
import * as collect from '../../src/cli/commands/collect.js';
import * as notify from '../../src/cli/commands/notify.js';
import * as watch from '../../src/cli/commands/watch.js';
import type { Store } from '../../src/store/types.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** How many times the command opened the store. */
  opens: number;
}

/**
 * Runs alerts/notify/collect/watch in-process the way src/cli/main.ts runs its commands (global
 * --db, exit codes 0/1/2), on `store` (not closed between runs).
 */
export async function runMine(
  args: string[],
  o: { store: Store; env?: Record<string, string>; now?: number; signals?: watch.SignalSource },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let opens = 0;
  const ctx: CliContext = {
    stdout: { write: (t: string) => ((stdout += t), true) },
    stderr: { write: (t: string) => ((stderr += t), true) },
    env: o.env ?? {},
    exitCode: 0,
    now: () => o.now ?? Date.now(),
    openStore: async () => (opens++, Object.assign(Object.create(o.store) as Store, { close: async () => {} })),
  };
  const program = new Command('kmswatch')
    .option('--db <url>')
    .configureOutput({ writeOut: (s) => void (stdout += s), writeErr: (s) => void (stderr += s) })
    .exitOverride();
  alerts.register(program, ctx);
  notify.register(program, ctx);
  collect.register(program, ctx);
  watch.register(program, ctx, o.signals ?? { once: () => undefined, removeListener: () => undefined });
  try {
    await program.parseAsync(['node', 'kmswatch', ...args]);
    return { code: ctx.exitCode, stdout, stderr, opens };
  } catch (err) {
    if (err instanceof CommanderError) return { code: 2, stdout, stderr, opens };
    if (err instanceof CliUsageError) return { code: 2, stdout, stderr: `${stderr}${err.message}\n`, opens };
    const e = err as Error & { code?: string };
    return { code: 1, stdout, stderr: `${stderr}${e.name} ${e.code ?? ''}: ${e.message}\n`, opens };
  }
}
