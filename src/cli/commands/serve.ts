import type { Command } from 'commander';
import { loadRunSettings } from '../../collect/settings.js';
import { CliUsageError } from '../errors.js';
import type { CliContext } from '../context.js';
import { parseTimezone, resolveTimezone } from '../options.js';
import { parseHostName } from '../../web/host-check.js';
import { tokenProblem } from '../../web/security.js';

interface ServeOptions {
  db?: string;
  config?: string;
  port: string;
  bind: string;
  token?: string;
  readToken?: string;
  publicRead?: boolean;
  allowHost: string[];
  timezone?: string;
  bodyLimit: string;
  bodyTimeout: string;
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new CliUsageError(`--port: "${text}" is not a port number (0-65535)`, 'CLI_BAD_OPTION', '--port');
  return Number(text);
}

function parseMebibytes(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new CliUsageError(`--body-limit: "${text}" is not a size in MiB (1 or more)`, 'CLI_BAD_OPTION', '--body-limit');
  return Number(text) * 1024 * 1024;
}

function parseSeconds(text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0) throw new CliUsageError(`--body-timeout: "${text}" is not a number of seconds (more than 0)`, 'CLI_BAD_OPTION', '--body-timeout');
  return Number(text) * 1000;
}

function collectHost(text: string, previous: string[]): string[] {
  if (!parseHostName(text)) throw new CliUsageError(`--allow-host: "${text}" is not a host name, address or name:port`, 'CLI_BAD_OPTION', '--allow-host');
  return [...previous, text];
}

/** The option's value, else the environment variable's (empty = unset); refused when it could never match. */
function tokenFrom(given: string | undefined, option: string, envName: string, env: Record<string, string | undefined>): string | undefined {
  const [value, source] = given !== undefined ? [given, option] : [env[envName] || undefined, envName];
  if (value === undefined) return undefined;
  const problem = tokenProblem(value);
  if (problem) throw new CliUsageError(`${source} ${problem}: give a token of visible characters without spaces`, 'CLI_BAD_OPTION', option);
  return value;
}

/** Resolves when the process is asked to stop (Ctrl-C, systemd stop). */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('web dashboard, JSON API, POST /api/ingest for log shippers and /metrics for Prometheus')
    .option('--config <file>', 'kmswatch config (YAML or JSON): its alert rules drive /api/alerts and the dashboard, its db and timezone apply; default: built-in rules')
    .option('--port <n>', 'TCP port', '8427')
    .option('--bind <address>', 'address to listen on (loopback unless told otherwise)', '127.0.0.1')
    .option('--token <token>', 'bearer token that POST /api/ingest needs (default: KMSWATCH_TOKEN; without one, writes are refused)')
    .option('--read-token <token>', 'token every read needs: Bearer, or the password of Basic authentication in a browser (default: KMSWATCH_READ_TOKEN; required when --bind is beyond loopback)')
    .option('--public-read', 'beyond loopback, serve the dashboard and read API without a token (a warning is printed)')
    .option('--allow-host <name>', 'answer this Host header too, e.g. a reverse proxy\'s name (repeatable; name or name:port)', collectHost, [])
    .option('--timezone <zone>', 'IANA zone for ingested times without an offset (default: this machine\'s)', parseTimezone)
    .option('--body-limit <MiB>', 'largest ingest request body', '32')
    .option('--body-timeout <seconds>', 'an ingest body must arrive in full within this time', '60')
    .action(async (_opts: ServeOptions, command: Command) => {
      const opts = command.optsWithGlobals<ServeOptions>();
      const port = parsePort(opts.port);
      const bodyLimit = parseMebibytes(opts.bodyLimit);
      const bodyTimeoutMs = parseSeconds(opts.bodyTimeout);
      const token = tokenFrom(opts.token, '--token', 'KMSWATCH_TOKEN', ctx.env);
      const readToken = tokenFrom(opts.readToken, '--read-token', 'KMSWATCH_READ_TOKEN', ctx.env);
      if (readToken && opts.publicRead) throw new CliUsageError('--public-read and --read-token (or KMSWATCH_READ_TOKEN) contradict each other: give one', 'CLI_USAGE', '--public-read');
      // the same rules (and db, zone) as `alerts` and `collect` with this config
      const settings = await loadRunSettings(opts.config, opts.db, {});
      const timezone = resolveTimezone(opts.timezone ?? settings.config.timezone, ctx.env);
      // Loaded on use: the other commands start without fastify.
      const { startServer, isLoopback } = await import('../../web/server.js');
      const { VERSION } = await import('../../version.js');
      const loopback = isLoopback(opts.bind);
      if (!loopback && !readToken && !opts.publicRead) {
        throw new CliUsageError(`--bind ${opts.bind} is beyond loopback: give --read-token (or KMSWATCH_READ_TOKEN) so that reads need a token, or --public-read to serve them to anyone`, 'CLI_USAGE', '--bind');
      }
      // Without a token nothing is written (POST /api/ingest is refused): the store is opened for
      // reading only, so a read-only file, folder or PostgreSQL role serves the dashboard and /metrics.
      const store = await ctx.openStore(settings.db, token ? {} : { readOnly: true });
      try {
        const server = await startServer({ store, bind: opts.bind, port, token, readToken, allowHosts: opts.allowHost, timezone, bodyLimit, bodyTimeoutMs, version: VERSION, alertRules: settings.config.alerts, warmUp: true });
        ctx.stderr.write(`kmswatch: serving ${store.backend} store on ${server.url}/ (metrics: ${server.url}/metrics)\n`);
        if (!token) ctx.stderr.write(`kmswatch: no --token or KMSWATCH_TOKEN: POST /api/ingest is refused${store.readOnly ? ', the store is open read-only' : ''}\n`);
        if (!loopback && opts.publicRead) {
          ctx.stderr.write(`kmswatch: warning: --public-read: listening on ${opts.bind}, the dashboard, the read API and /metrics answer anyone who reaches the port; use --read-token or a reverse proxy with authentication\n`);
        }
        const signal = await stopSignal();
        ctx.stderr.write(`kmswatch: ${signal}: stopping\n`);
        await server.close();
      } finally {
        await store.close();
      }
    });
}
