import type { KmsApplication } from '../kms/types.js';
import type { AlertState } from '../store/types.js';

export type Severity = AlertState['severity'];

/** Rule names; each is the first part of the alert ids it produces. */
export type RuleName =
  | 'low-count'
  | 'count-forecast'
  | 'idle-host'
  | 'dns-publish-failed'
  | 'kms-start-failed'
  | 'clone'
  | 'failure-spike'
  | 'notification'
  | 'expiring'
  | 'anomalies'
  | 'unknown-product'
  | 'discovery';

export const RULE_NAMES: readonly RuleName[] = [
  'low-count',
  'count-forecast',
  'idle-host',
  'dns-publish-failed',
  'kms-start-failed',
  'clone',
  'failure-spike',
  'notification',
  'expiring',
  'anomalies',
  'unknown-product',
  'discovery',
];

/** A client an alert is about (goes into the mail's CSV attachment). */
export interface AffectedClient {
  machine: string;
  cmid: string;
  host: string;
  application: KmsApplication;
  productName: string;
  licenseState: number;
  minimumCount: number;
  lastSeen: number;
  /** Expiry (epoch ms) when known. */
  expiry: number | null;
  resultHex: string;
}

/** What a rule reports for one subject at one evaluation. */
export interface AlertCandidate {
  /** Stable id: `<rule>:<subject parts>`. Same condition, same id across runs. */
  id: string;
  rule: RuleName;
  severity: Severity;
  host: string | null;
  /** One line, used as mail subject tail: `Windows count 23 < 25`. */
  summary: string;
  /** For a reader: what is wrong, with names and numbers, no internal ids. */
  title: string;
  /** What to do about it (docs/remedies: the same text on the page, in the mail and in the CLI). */
  remedy: string;
  /** Rule-specific facts (numbers, dates) kept as JSON in the store. */
  details: Record<string, unknown>;
  clients: AffectedClient[];
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function severityLabel(s: Severity): string {
  return s.toUpperCase();
}
