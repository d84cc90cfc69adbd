import type { AlertState, Store } from '../store/types.js';
import type { AlertRulesConfig } from './config.js';
import { evaluateRules } from './evaluate.js';
import { gatherFacts } from './facts.js';
import { reconcile } from './state.js';
import type { AlertCandidate } from './types.js';

export class AlertStateError extends Error {
  override readonly name = 'AlertStateError';
  readonly code = 'ALERT_STATE_UNSUPPORTED';
  constructor(readonly backend: string) {
    super(`the ${backend} store does not keep alert state (alertStates/saveAlertStates missing)`);
  }
}

export interface AlertStateStore {
  alertStates(): Promise<AlertState[]>;
  saveAlertStates(states: readonly AlertState[]): Promise<void>;
}

export function alertStateStore(store: Store): AlertStateStore {
  const { alertStates, saveAlertStates } = store;
  if (!alertStates || !saveAlertStates) throw new AlertStateError(store.backend);
  return { alertStates: () => alertStates.call(store), saveAlertStates: (s) => saveAlertStates.call(store, s) };
}

export interface AlertEvaluation {
  at: number;
  candidates: AlertCandidate[];
  /** Every stored state after this evaluation. */
  states: AlertState[];
}

/** The states that differ from what is stored (a long history of resolved alerts is not rewritten each run). */
export function changedStates(previous: readonly AlertState[], next: readonly AlertState[]): AlertState[] {
  const before = new Map(previous.map((s) => [s.id, s]));
  return next.filter((s) => {
    const old = before.get(s.id);
    return !old || STATE_FIELDS.some((k) => old[k] !== s[k]);
  });
}

const STATE_FIELDS: readonly (keyof AlertState)[] = [
  'rule', 'severity', 'host', 'summary', 'details', 'status', 'firstSeen', 'lastSeen', 'resolvedAt', 'notifiedAt', 'resolvedNotifiedAt',
];

/**
 * The alerts the rules give at `at`, most severe first, each with its title and remedy: what the
 * dashboard and `/api/alerts` show. Reads only; the stored alert state is left alone.
 */
export async function currentAlerts(store: Store, at: number, rules: AlertRulesConfig): Promise<AlertCandidate[]> {
  return evaluateRules(await gatherFacts(store, at, rules), rules);
}

/** Evaluates the rules at `at` and folds the result into the stored alert state (saved unless `dryRun`). */
export async function evaluateAlerts(
  store: Store,
  opts: { at: number; rules: AlertRulesConfig; dryRun?: boolean },
): Promise<AlertEvaluation> {
  const states = alertStateStore(store);
  const facts = await gatherFacts(store, opts.at, opts.rules);
  const candidates = evaluateRules(facts, opts.rules);
  const previous = await states.alertStates();
  const next = reconcile(previous, candidates, opts.at);
  if (!opts.dryRun) await states.saveAlertStates(changedStates(previous, next));
  return { at: opts.at, candidates, states: next };
}
