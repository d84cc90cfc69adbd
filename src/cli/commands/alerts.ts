import { Command } from 'commander';
import type { AlertRulesConfig } from '../../alerts/config.js';
import { alertStateStore, changedStates, evaluateAlerts, type AlertEvaluation } from '../../alerts/run.js';
import { alertRemedy, alertTitle, pendingAlerts } from '../../alerts/state.js';
import { loadRunSettings } from '../../collect/settings.js';
import { shownCell } from '../../report/cells.js';
import { renderJson } from '../../report/json.js';
import { StoreError, type AlertState } from '../../store/types.js';
import type { CliContext } from '../context.js';
import { atSpecOption, parseTimezone, resolveAt, resolveTimezone, type AtSpec } from '../options.js';
import { withStore } from '../store.js';

interface AlertsOptions {
  db?: string;
  config?: string;
  at?: string;
  timezone?: string;
  json?: boolean;
  dryRun?: boolean;
}

const iso = (t: number | null) => (t === null ? '-' : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')}Z`);

function line(s: AlertState): string {
  const state = s.status === 'resolved' ? 'RESOLVED' : s.severity.toUpperCase();
  const mailed = s.status === 'open' ? (s.notifiedAt === null ? 'new' : 'mailed') : s.resolvedNotifiedAt === null ? 'new' : 'mailed';
  // a summary may list machine names: cut as a table cell is (--json has it whole)
  const remedy = s.status === 'open' ? `          What to do: ${shownCell(alertRemedy(s), 600)}\n` : '';
  return (
    `${state.padEnd(8)}  ${shownCell(s.host ?? '-').padEnd(20)}  ${shownCell(s.summary, 200)}\n` +
    `          ${shownCell(alertTitle(s), 400)}\n${remedy}` +
    `          ${shownCell(s.id, 200)}  first ${iso(s.firstSeen)}  last ${iso(s.lastSeen)}  (${mailed})\n`
  );
}

/** A state as `alerts --json` gives it: the stored fields, and the title and remedy read from its details. */
function withText(s: AlertState): AlertState & { title: string; remedy: string } {
  return { ...s, title: alertTitle(s), remedy: alertRemedy(s) };
}

/**
 * Evaluates on the store opened read-only (no migration, no write: it works on a read-only file or
 * role); only when the alert state changed, and not with --dry-run, is it opened again for writing
 * to save the states that differ.
 */
async function evaluate(ctx: CliContext, db: string | undefined, opts: { at: AtSpec; rules: AlertRulesConfig; dryRun?: boolean }): Promise<AlertEvaluation> {
  const { evaluation, changed } = await withStore(ctx, db, async (store) => {
    const previous = await alertStateStore(store).alertStates();
    const at = await resolveAt(opts.at, store, ctx.now());
    const result = await evaluateAlerts(store, { at, rules: opts.rules, dryRun: true });
    return { evaluation: result, changed: changedStates(previous, result.states) };
  }, { readOnly: true });
  if (opts.dryRun || changed.length === 0) return evaluation;
  try {
    await withStore(ctx, db, (store) => alertStateStore(store).saveAlertStates(changed), { create: false });
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    throw new StoreError(`${changed.length} alert state${changed.length === 1 ? '' : 's'} changed and could not be saved (${err.message}); --dry-run evaluates without saving`, err.code, { cause: err });
  }
  return evaluation;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('alerts')
    .description('evaluate the alert rules, store their state and list open alerts (no mail)')
    .option('--config <file>', 'kmswatch config (YAML or JSON) with alert rules; default: built-in rules')
    .option('--at <time>', 'evaluate as of this ISO 8601 time, or "latest": the newest stored event (default: now)')
    .option('--timezone <zone>', 'IANA zone for --at without an offset', parseTimezone)
    .option('--json', 'print the alert states as JSON')
    .option('--dry-run', 'evaluate without storing the alert state')
    .action(async (_opts: AlertsOptions, command: Command) => {
      const opts = command.optsWithGlobals<AlertsOptions>();
      const settings = await loadRunSettings(opts.config, opts.db, {});
      const timezone = resolveTimezone(opts.timezone ?? settings.config.timezone, ctx.env);
      const evaluation = await evaluate(ctx, settings.db, { at: atSpecOption(opts.at, timezone, ctx.now()), rules: settings.config.alerts, dryRun: opts.dryRun });
      const at = evaluation.at;
      const pending = pendingAlerts(evaluation.states);
      if (opts.json) {
        ctx.stdout.write(renderJson({ at: new Date(at).toISOString(), open: [...pending.opened, ...pending.ongoing].map(withText), resolved: pending.resolved.map(withText) }));
        return;
      }
      const open = [...pending.opened, ...pending.ongoing];
      ctx.stdout.write(`${open.length} open alert${open.length === 1 ? '' : 's'} at ${iso(at)}\n`);
      for (const s of open) ctx.stdout.write(line(s));
      if (pending.resolved.length > 0) {
        ctx.stdout.write(`${pending.resolved.length} resolved since the last mail\n`);
        for (const s of pending.resolved) ctx.stdout.write(line(s));
      }
    });
}
