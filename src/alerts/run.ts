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

/** Evaluates the rules at `at` and folds the result into the stored alert state (saved unless `dryRun`). */
export async function evaluateAlerts(
  store: Store,
  opts: { at: number; rules: AlertRulesConfig; dryRun?: boolean },
): Promise<AlertEvaluation> {
  const states = alertStateStore(store);
  const facts = await gatherFacts(store, opts.at, opts.rules);
  const candidates = evaluateRules(facts, opts.rules);
  const next = reconcile(await states.alertStates(), candidates, opts.at);
  if (!opts.dryRun) await states.saveAlertStates(next);
  return { at: opts.at, candidates, states: next };
}
