import type { Command } from 'commander';
import { CliUsageError } from '../errors.js';
import type { CliContext } from '../context.js';
import { parseTimezone, resolveTimezone } from '../options.js';

interface ServeOptions {
  db?: string;
  port: string;
  bind: string;
  token?: string;
  timezone?: string;
  bodyLimit: string;
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new CliUsageError(`--port: "${text}" is not a port number (0-65535)`, 'CLI_BAD_OPTION', '--port');
  return Number(text);
}

function parseMebibytes(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new CliUsageError(`--body-limit: "${text}" is not a size in MiB (1 or more)`, 'CLI_BAD_OPTION', '--body-limit');
  return Number(text) * 1024 * 1024;
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
    .option('--port <n>', 'TCP port', '8427')
    .option('--bind <address>', 'address to listen on (loopback unless told otherwise)', '127.0.0.1')
    .option('--token <token>', 'bearer token that POST /api/ingest needs (default: KMSWATCH_TOKEN; without one, writes are refused)')
    .option('--timezone <zone>', 'IANA zone for ingested times without an offset (default: this machine\'s)', parseTimezone)
    .option('--body-limit <MiB>', 'largest ingest request body', '32')
    .action(async (_opts: ServeOptions, command: Command) => {
      const opts = command.optsWithGlobals<ServeOptions>();
      const port = parsePort(opts.port);
      const bodyLimit = parseMebibytes(opts.bodyLimit);
      const token = opts.token ?? (ctx.env.KMSWATCH_TOKEN || undefined);
      const timezone = resolveTimezone(opts.timezone, ctx.env);
      // Loaded on use: the other commands start without fastify.
      const { startServer, isLoopback } = await import('../../web/server.js');
      const { VERSION } = await import('../../version.js');
      const store = await ctx.openStore(opts.db);
      try {
        const server = await startServer({ store, bind: opts.bind, port, token, timezone, bodyLimit, version: VERSION });
        ctx.stderr.write(`kmswatch: serving ${store.backend} store on ${server.url}/ (metrics: ${server.url}/metrics)\n`);
        if (!token) ctx.stderr.write('kmswatch: no --token or KMSWATCH_TOKEN: POST /api/ingest is refused\n');
        if (!isLoopback(opts.bind)) ctx.stderr.write(`kmswatch: warning: listening on ${opts.bind}: the dashboard and read API need no login; put a reverse proxy with authentication in front\n`);
        const signal = await stopSignal();
        ctx.stderr.write(`kmswatch: ${signal}: stopping\n`);
        await server.close();
      } finally {
        await store.close();
      }
    });
}
