import { licenseStateName } from '../kms/codes.js';
import { shownCell } from '../report/cells.js';
import type { Digest } from './digest.js';
import { csvField } from './escape.js';

const HEADER = ['alert_id', 'severity', 'host', 'machine', 'cmid', 'application', 'product', 'license_state', 'minimum_count', 'last_seen', 'expiry', 'result'];

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/**
 * clients.csv: one row per (alert, affected client); CRLF line ends as spreadsheets expect.
 * `terminal` (notify --dry-run on a terminal): text cells escaped and cut as the text tables show
 * them (src/report/cells.ts shownCell); the attachment itself carries whole values.
 */
export function renderClientsCsv(d: Digest, options: { terminal?: boolean } = {}): string {
  const field = (v: string | number | null) => csvField(options.terminal && typeof v === 'string' ? shownCell(v) : v);
  const lines = [HEADER.join(',')];
  for (const { alert, client: c } of d.clients) {
    lines.push(
      [alert.id, alert.severity, c.host, c.machine, c.cmid, c.application, c.productName, licenseStateName(c.licenseState), c.minimumCount, iso(c.lastSeen), iso(c.expiry), c.resultHex]
        .map(field)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
