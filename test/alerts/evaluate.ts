import { alertRulesSchema, type AlertRulesConfig } from '../../src/alerts/config.js';
import { evaluateRules } from '../../src/alerts/evaluate.js';
import { gatherFacts } from '../../src/alerts/facts.js';
import type { AlertCandidate } from '../../src/alerts/types.js';
import type { KmsRecord } from '../../src/kms/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';

type RuleKey = keyof AlertRulesConfig;

/** Rules config with only `keys` enabled (each rule is tested alone; the fleet test enables all). */
export function onlyRules(keys: RuleKey[], overrides: Record<string, unknown> = {}): AlertRulesConfig {
  const all = Object.keys(alertRulesSchema.parse({})) as RuleKey[];
  const raw: Record<string, unknown> = {};
  for (const k of all) raw[k] = { enabled: keys.includes(k), ...((overrides[k] as object) ?? {}) };
  return alertRulesSchema.parse(raw);
}

export async function storeWith(records: KmsRecord[]): Promise<Store> {
  const store = createMemoryStore();
  await store.migrate();
  await store.writeBatch(records);
  return store;
}

export async function candidatesAt(records: KmsRecord[], at: number, rules: AlertRulesConfig): Promise<AlertCandidate[]> {
  const store = await storeWith(records);
  return evaluateRules(await gatherFacts(store, at, rules), rules);
}
