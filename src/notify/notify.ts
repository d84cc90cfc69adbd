import type { Transporter } from 'nodemailer';
import type { AlertRulesConfig } from '../alerts/config.js';
import { evaluateAlerts } from '../alerts/run.js';
import { alertStateStore } from '../alerts/run.js';
import { hasNews, markNotified, pendingAlerts, type PendingAlerts } from '../alerts/state.js';
import type { Store } from '../store/types.js';
import { parseAddressList, parseSender } from './addresses.js';
import { buildDigest, type Digest } from './digest.js';
import { NotifyError } from './errors.js';
import { renderClientsCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderText } from './render-text.js';
import { buildMailSummary } from './summary.js';

export interface NotifyOptions {
  at: number;
  rules: AlertRulesConfig;
  /** Where to send; required unless dryRun. */
  transport?: Transporter;
  /** One address, `a@x` or `Name <a@x>`. */
  from?: string;
  /** Each a list separated by commas, semicolons or spaces (src/notify/addresses.ts). */
  to?: string[];
  /** Render the mail, send nothing, change no state. */
  dryRun?: boolean;
  /** Mail even when nothing is new. */
  always?: boolean;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** clients.csv, when any alert lists clients. */
  csv: string | null;
}

export interface NotifyResult {
  outcome: 'sent' | 'nothing-new' | 'dry-run';
  pending: PendingAlerts;
  mail: RenderedMail | null;
  /** What the mail was rendered from (null when there is no mail): a dry run on a terminal shows its CSV escaped. */
  digest: Digest | null;
  messageId?: string;
}

/**
 * Evaluates the alerts, then mails the digest when something is new (or `always`). The alert
 * states are marked as mailed only after the SMTP server accepted the message, so a failed
 * delivery is retried by the next run.
 */
export async function runNotify(store: Store, opts: NotifyOptions): Promise<NotifyResult> {
  // Checked before anything is evaluated, dry run or not: a CR/LF must never reach a header.
  const from = opts.from === undefined ? undefined : parseSender(opts.from, '--from / mail.from');
  const to = parseAddressList(opts.to, '--to / mail.to');
  const evaluation = await evaluateAlerts(store, { at: opts.at, rules: opts.rules, dryRun: opts.dryRun });
  const pending = pendingAlerts(evaluation.states);
  if (!hasNews(pending) && !opts.always) return { outcome: 'nothing-new', pending, mail: null, digest: null };

  const digest = buildDigest(pending, await buildMailSummary(store, opts.at));
  const mail: RenderedMail = {
    subject: digest.subject,
    text: renderText(digest),
    html: renderHtml(digest),
    csv: digest.clients.length > 0 ? renderClientsCsv(digest) : null,
  };
  if (opts.dryRun) return { outcome: 'dry-run', pending, mail, digest };

  if (!opts.transport) throw new NotifyError('no SMTP server: give --smtp or mail.smtp in the config', 'NOTIFY_SMTP_URL');
  if (!from) throw new NotifyError('no sender: give --from or mail.from in the config', 'NOTIFY_ADDRESS');
  if (to.length === 0) throw new NotifyError('no recipient: give --to or mail.to in the config', 'NOTIFY_ADDRESS');

  let messageId: string | undefined;
  try {
    const info = await opts.transport.sendMail({
      from,
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: mail.csv === null ? [] : [{ filename: 'clients.csv', content: mail.csv, contentType: 'text/csv; charset=utf-8' }],
    });
    messageId = (info as { messageId?: string }).messageId;
  } catch (err) {
    throw new NotifyError(`mail not sent: ${(err as Error).message}`, 'NOTIFY_SEND', { cause: err });
  }
  await alertStateStore(store).saveAlertStates(markNotified(pending, opts.at));
  return { outcome: 'sent', pending, mail, digest, messageId };
}
