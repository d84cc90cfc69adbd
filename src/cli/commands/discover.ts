import { Command } from 'commander';
import { clientSideSections, keepKnownHosts } from '../../analysis/client-side-report.js';
import { IDLE_HOURS, windowStart } from '../../analysis/time.js';
import type { DiscoveryReport } from '../../analysis/types.js';
import { domainsToCheck, runDiscovery } from '../../collect/discovery.js';
import { loadRunSettings } from '../../collect/settings.js';
import { discoveryText } from '../../report/discovery-text.js';
import { formatLocal } from '../../report/time.js';
import { renderJson } from '../../report/json.js';
import { createMemoryStore } from '../../store/memory.js';
import { StoreError, type Store } from '../../store/types.js';
import { raiseExitCode, tableWidth, type CliContext } from '../context.js';
import { CliUsageError, EXIT_FAILED } from '../errors.js';
import { parseCount, resolveTimezone } from '../options.js';

interface DiscoverOptions {
  db?: string;
  config?: string;
  domain: string[];
  dnsServer: string[];
  timeout?: number;
  save: boolean;
  json?: boolean;
}

const collectValues = (value: string, previous: string[] = []) => [...previous, value];

/** The store to read names from and keep the check in; null when there is none and domains were given. */
async function openDiscoverStore(ctx: CliContext, db: string | undefined, save: boolean, haveDomains: boolean): Promise<Store | null> {
  try {
    return await ctx.openStore(db, save ? { create: false } : { readOnly: true });
  } catch (err) {
    if (err instanceof StoreError && err.code === 'STORE_MISSING' && haveDomains) {
      ctx.stderr.write(`kmswatch: note: ${err.message}; the check runs on the domains given and is not stored\n`);
      return null;
    }
    throw err;
  }
}

/** A lookup that could not be answered, or a critical finding (a rogue host, no record where clients activate): exit 1. */
function failed(report: DiscoveryReport): boolean {
  return report.domains.some((d) => d.status === 'failed') || report.findings.some((f) => f.severity === 'critical');
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('discover')
    .description('can clients find and reach a KMS host? the _vlmcs._tcp SRV records of each domain, their addresses and a TCP connect to port 1688, compared with the host logs (seen from this machine)')
    .option('--domain <name>', 'DNS domain to check (repeatable); default: the DNS suffixes of the stored KMS hosts and clients, and discover.domains of --config', collectValues, [])
    .option('--dns-server <ip[:port]>', 'DNS server to ask (repeatable, in order); default: discover.dnsServers, else this machine\'s resolvers', collectValues, [])
    .option('--timeout <ms>', 'time allowed for each DNS question and each TCP connect (default: discover.timeoutMs, 2000)', parseCount)
    .option('--config <file>', 'kmswatch config (YAML or JSON): discover.domains, discover.knownHosts, discover.dnsServers, db')
    .option('--no-save', 'do not keep the check in the store (the report and alerts read the newest kept check)')
    .option('--json', 'the check compared with the logs, as JSON')
    .action(async (_opts: DiscoverOptions, command: Command) => {
      const opts = command.optsWithGlobals<DiscoverOptions>();
      const settings = await loadRunSettings(opts.config, opts.db, {});
      const cfg = settings.config.discover;
      const given = [...cfg.domains, ...opts.domain];
      const timeoutMs = opts.timeout ?? cfg.timeoutMs;
      if (timeoutMs < 50 || timeoutMs > 60_000) throw new CliUsageError(`--timeout ${timeoutMs}: expected 50 to 60000 ms`, 'CLI_BAD_OPTION', '--timeout');
      const opened = await openDiscoverStore(ctx, settings.db, opts.save, given.length > 0);
      const store = opened ?? createMemoryStore();
      try {
        const domains = await domainsToCheck(opened, given, ctx.now());
        if (domains.length === 0) {
          throw new CliUsageError('no domain to check: the store names no KMS host or client with a DNS suffix; give --domain contoso.com (or discover.domains in --config)', 'CLI_USAGE', '--domain');
        }
        const run = await runDiscovery(opened, {
          domains,
          dnsServers: opts.dnsServer.length ? opts.dnsServer : cfg.dnsServers,
          timeoutMs,
          now: () => ctx.now(),
          save: opts.save,
        });
        // only a config says which hosts are known: without one the list a collector kept stays
        if (run.saved && opened && opts.config !== undefined) await keepKnownHosts(opened, settings.config.discover.knownHosts);
        const checkedAt = run.check.checkedAt;
        const activity = await store.hostActivity(checkedAt);
        const { discovery } = await clientSideSections(store, {
          at: checkedAt,
          from: windowStart(checkedAt),
          idleHours: IDLE_HOURS,
          knownHosts: settings.config.discover.knownHosts,
          activity,
          clients: () => store.latestClients(checkedAt),
          check: run.check,
        });
        const report = discovery!;
        if (opts.json) ctx.stdout.write(renderJson({ saved: run.saved, discovery: report }));
        else {
          const timezone = resolveTimezone(settings.config.timezone, ctx.env);
          ctx.stdout.write(discoveryText(report, (iso) => (iso === null ? '' : formatLocal(iso, timezone)), tableWidth(ctx.stdout)));
          ctx.stdout.write(run.saved ? 'Kept in the store: report, alerts, /metrics and the dashboard show it.\n' : 'Not kept (--no-save, or no database).\n');
        }
        if (failed(report)) raiseExitCode(ctx, EXIT_FAILED);
      } finally {
        await store.close();
      }
    });
}
