import { Command, Option } from 'commander';
import { SIM_FORMATS, SimulateError, simulate, SIMULATE_DEFAULTS, type SimFormat, type SimulateResult } from '../../simulate/index.js';
import type { CliContext } from '../context.js';
import { CliUsageError } from '../errors.js';

interface SimulateCliOptions {
  out: string;
  clients: number;
  hosts: number;
  days: number;
  seed: number;
  format: SimFormat;
  start: string;
  /** Commander's `--no-client-logs`: true unless given. */
  clientLogs: boolean;
}

export function parseInteger(option: string) {
  return (text: string): number => {
    if (!/^\d+$/.test(text.trim())) throw new CliUsageError(`${option} must be a whole number, got "${text}"`, 'CLI_BAD_OPTION', option);
    return Number(text.trim());
  };
}

/** Runs the simulator, turning bad option values into usage errors (exit code 2). */
export function runSimulate(opts: Parameters<typeof simulate>[0]): SimulateResult {
  try {
    return simulate(opts);
  } catch (err) {
    if (err instanceof SimulateError && err.code === 'SIMULATE_OPTIONS') throw new CliUsageError(err.message, 'CLI_BAD_OPTION');
    throw err;
  }
}

export function describeRun(r: SimulateResult, out: string): string {
  const t = r.truth;
  const clients = t.clientSide
    ? `clients' own logs: ${t.clientSide.requestsSent} requests sent, ${t.clientSide.responses} responses from ${t.clientSide.machines} machines (last 30 days)\n`
    : '';
  return (
    `simulated ${t.hosts.length} hosts, ${t.totals.clients} clients, ${r.requests} requests (${r.events} events) ` +
    `up to ${t.at} in ${(r.elapsedMs / 1000).toFixed(1)} s → ${out} (answers in truth.json)\n` +
    clients
  );
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('simulate')
    .description("write the logs of a simulated KMS fleet (one KMS and one Application log per host, the clients' own logs) and truth.json")
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .option('--clients <n>', 'client machines (workstations and servers; Office rides on workstations)', parseInteger('--clients'), SIMULATE_DEFAULTS.clients)
    .option('--hosts <n>', 'KMS hosts', parseInteger('--hosts'), SIMULATE_DEFAULTS.hosts)
    .option('--days <n>', 'length of the period in days', parseInteger('--days'), SIMULATE_DEFAULTS.days)
    .option('--seed <n>', 'seed: the same seed gives the same files', parseInteger('--seed'), SIMULATE_DEFAULTS.seed)
    .addOption(new Option('--format <format>', 'output format').choices(SIM_FORMATS).default(SIMULATE_DEFAULTS.format))
    .option('--start <iso>', 'start of the period (UTC)', SIMULATE_DEFAULTS.start)
    .option('--no-client-logs', "leave out the clients' own logs (12288/12289 of the last 30 days) and kmswatch.yaml")
    .action((opts: SimulateCliOptions) => {
      const result = runSimulate(opts);
      ctx.stdout.write(describeRun(result, opts.out));
    });
}
