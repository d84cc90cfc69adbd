import { Command, InvalidArgumentError, Option } from 'commander';
import { classifyClient } from '../../analysis/clients.js';
import type { ClientReport } from '../../analysis/types.js';
import { DAY_MS } from '../../analysis/time.js';
import { licenseStateName } from '../../kms/codes.js';
import type { KmsApplication } from '../../kms/types.js';
import { clientColumns, clientCsvColumns } from '../../report/columns.js';
import { renderCsv } from '../../report/csv.js';
import { renderJson } from '../../report/json.js';
import { renderTable } from '../../report/table.js';
import { formatLocal } from '../../report/time.js';
import type { ClientFilter } from '../../store/types.js';
import { tableWidth, type CliContext } from '../context.js';
import { atSpecOption, parseCount, resolveAt, parseTimezone, resolveTimezone } from '../options.js';
import { withStore } from '../store.js';

interface ClientsOptions {
  db?: string;
  at?: string;
  timezone?: string;
  host?: string;
  state?: number;
  product?: string;
  application?: KmsApplication;
  vm?: boolean;
  search?: string;
  lapsed?: boolean;
  expiringDays?: number;
  json?: boolean;
  csv?: boolean;
}

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

/** `--state 1` or `--state licensed` (names of kms-events.md §3.1, any case). */
export function parseState(text: string): number {
  const t = text.trim();
  if (/^[0-6]$/.test(t)) return Number(t);
  for (let n = 0; n <= 6; n++) if (licenseStateName(n).toLowerCase() === t.toLowerCase()) return n;
  const names = [0, 1, 2, 3, 4, 5, 6].map((n) => `${n} ${licenseStateName(n)}`).join(', ');
  throw new InvalidArgumentError(`"${text}" is not a license state (${names}).`);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('clients')
    .description('clients (latest request per CMID and application) with state, expiry and flags')
    .option('--at <time>', 'as of this ISO 8601 time, or "latest": the newest stored event (default: now)')
    .option('--timezone <zone>', 'IANA zone for times without an offset and for the table', parseTimezone)
    .option('--host <name>', 'only clients whose latest request went to this KMS host')
    .option('--state <state>', 'license state, number or name (e.g. 1, Licensed, OOBGrace)', parseState)
    .option('--product <id|text>', 'Activation ID, or part of the product name')
    .addOption(new Option('--application <name>', 'KMS application').choices(['Windows', 'Office', 'Office 2010', 'Unknown']))
    .option('--vm', 'only virtual machines')
    .option('--no-vm', 'only physical machines')
    .option('--search <text>', 'part of the machine name or CMID')
    .option('--lapsed', 'only clients silent for more than 30 days')
    .option('--expiring-days <n>', 'only clients whose state expires within N days', parseCount)
    .addOption(new Option('--json', 'JSON array').conflicts('csv'))
    .addOption(new Option('--csv', 'CSV').conflicts('json'))
    .action(async (_opts: ClientsOptions, command: Command) => {
      const opts = command.optsWithGlobals<ClientsOptions>();
      const timezone = resolveTimezone(opts.timezone, ctx.env);
      const atSpec = atSpecOption(opts.at, timezone, ctx.now());
      const filter: ClientFilter = {
        host: opts.host,
        state: opts.state,
        application: opts.application,
        vm: opts.vm,
        search: opts.search,
        activationId: opts.product && GUID.test(opts.product) ? opts.product.replace(/[{}]/g, '') : undefined,
      };
      const { at, rows } = await withStore(ctx, opts.db, async (store) => {
        const at = await resolveAt(atSpec, store, ctx.now());
        return { at, rows: await store.latestClients(at, filter) };
      }, { readOnly: true });
      const clients = selectClients(
        rows.map((r) => classifyClient(r, at, opts.expiringDays ?? undefined)),
        at,
        opts,
      );
      if (opts.json) ctx.stdout.write(renderJson(clients));
      else if (opts.csv) ctx.stdout.write(renderCsv(clientCsvColumns(), clients, { terminal: ctx.stdout.isTTY }));
      else {
        const time = (iso: string | null) => (iso === null ? '' : formatLocal(iso, timezone));
        ctx.stdout.write(renderTable(clientColumns(time), clients, { width: tableWidth(ctx.stdout) }));
        ctx.stdout.write(`${clients.length} clients as of ${formatLocal(at, timezone)} ${timezone}\n`);
      }
    });
}

/** The filters the store does not apply: product name text, lapsed, expiring within N days. */
function selectClients(clients: ClientReport[], at: number, opts: ClientsOptions): ClientReport[] {
  const productText = opts.product && !GUID.test(opts.product) ? opts.product.toLowerCase() : null;
  return clients.filter((c) => {
    if (productText !== null && !c.product.toLowerCase().includes(productText)) return false;
    if (opts.lapsed && !c.lapsed) return false;
    if (opts.expiringDays !== undefined) {
      if (c.lapsed || c.expiresAt === null || Date.parse(c.expiresAt) > at + opts.expiringDays * DAY_MS) return false;
    }
    return true;
  });
}
