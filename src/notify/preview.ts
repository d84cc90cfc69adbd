import type { AlertRulesConfig } from '../alerts/config.js';
import { evaluateRules } from '../alerts/evaluate.js';
import { gatherFacts } from '../alerts/facts.js';
import { pendingAlerts, reconcile } from '../alerts/state.js';
import type { AlertCandidate } from '../alerts/types.js';
import type { Store } from '../store/types.js';
import { buildDigest } from './digest.js';
import type { RenderedMail } from './notify.js';
import { renderClientsCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderText } from './render-text.js';
import { buildMailSummary, type MailSummary } from './summary.js';

/**
 * The mail that would go out if `alerts` were all new at `summary.at`, rendered without a store's
 * alert state (screenshots, previews). The same renderers as runNotify.
 */
export function renderAlertMail(alerts: readonly AlertCandidate[], summary: MailSummary): RenderedMail {
  const digest = buildDigest(pendingAlerts(reconcile([], alerts, summary.at)), summary);
  return {
    subject: digest.subject,
    text: renderText(digest),
    html: renderHtml(digest),
    csv: digest.clients.length > 0 ? renderClientsCsv(digest) : null,
  };
}

/** renderAlertMail's HTML part: what a 600 px mail client shows. */
export function renderAlertMailHtml(alerts: readonly AlertCandidate[], summary: MailSummary): string {
  return renderAlertMail(alerts, summary).html;
}

/** Evaluates the rules over a store at `at` and renders every open alert as new; changes nothing stored. */
export async function previewAlertMail(store: Store, opts: { at: number; rules: AlertRulesConfig }): Promise<RenderedMail> {
  const candidates = evaluateRules(await gatherFacts(store, opts.at, opts.rules), opts.rules);
  return renderAlertMail(candidates, await buildMailSummary(store, opts.at));
}
