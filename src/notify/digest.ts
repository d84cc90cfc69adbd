import { parseDetails, type PendingAlerts } from '../alerts/state.js';
import type { AffectedClient } from '../alerts/types.js';
import type { AlertState } from '../store/types.js';
import { headerText } from './escape.js';
import type { MailSummary } from './summary.js';

/** Everything one mail says, computed before rendering. */
export interface Digest {
  subject: string;
  pending: PendingAlerts;
  summary: MailSummary;
  /** Clients of the new and ongoing alerts, for the CSV attachment. */
  clients: Array<{ alert: AlertState; client: AffectedClient }>;
}

const TAG = '[KMS]';

export function buildDigest(pending: PendingAlerts, summary: MailSummary): Digest {
  const clients = [...pending.opened, ...pending.ongoing].flatMap((alert) =>
    (parseDetails(alert).clients ?? []).map((client) => ({ alert, client })),
  );
  return { subject: digestSubject(pending), pending, summary, clients };
}

/**
 * `[KMS] CRITICAL kms01: Windows count 23 < 25 (+2 more)`: the most severe new alert names the
 * mail; a mail with only resolutions says RESOLVED; a mail with no news says so.
 */
export function digestSubject(p: PendingAlerts): string {
  const lead = p.opened[0] ?? p.resolved[0];
  if (!lead) {
    const open = p.ongoing.length;
    return headerText(`${TAG} OK: no new alerts${open ? ` (${open} still open)` : ''}`);
  }
  const tag = p.opened.length > 0 ? lead.severity.toUpperCase() : 'RESOLVED';
  const rest = p.opened.length + p.resolved.length - 1;
  const host = lead.host ? ` ${lead.host}` : '';
  return headerText(`${TAG} ${tag}${host}: ${lead.summary}${rest > 0 ? ` (+${rest} more)` : ''}`);
}
