import { alertRemedy, alertTitle, parseDetails } from '../alerts/state.js';
import { thresholdFor } from '../analysis/thresholds.js';
import type { AlertState } from '../store/types.js';
import type { Digest } from './digest.js';
import { escapeHtml as e } from './escape.js';
import { FONT, SEVERITY_STYLE, badge, prose, token, when } from './mail-format.js';
import { DAMAGED_HOST_NOTE, PARTIAL_COUNT_NOTE, totalsLine } from './render-text.js';

const CLIENT_ROWS = 10;
const SMALL = 'font-size:12px;color:#555555';

/** The affected clients as stacked lines (a table would squeeze a CMID at 600 px). */
function clientList(a: AlertState): string {
  const details = parseDetails(a);
  const clients = details.clients ?? [];
  if (clients.length === 0) return '';
  const lines = clients
    .slice(0, CLIENT_ROWS)
    .map(
      (c) =>
        `<div style="padding:3px 0;border-top:1px solid #e0e0e0" data-client="true">` +
        `<b>${token(c.machine)}</b> · ${prose(c.productName)}<br>` +
        `<span style="${SMALL}">CMID ${token(c.cmid)} · last seen ${when(c.lastSeen)}</span></div>`,
    )
    .join('');
  const total = details.clientsTotal ?? clients.length;
  const more = total > CLIENT_ROWS ? `<div style="${SMALL}">… and ${total - CLIENT_ROWS} more in clients.csv</div>` : '';
  return `<div style="margin:6px 0 0 0;font-size:13px">${lines}${more}</div>`;
}

function alertBlock(a: AlertState, resolved: boolean): string {
  const key = resolved ? 'resolved' : a.severity;
  const s = SEVERITY_STYLE[key] ?? SEVERITY_STYLE.info;
  const dates = resolved
    ? `first seen ${when(a.firstSeen)} · resolved ${when(a.resolvedAt)}`
    : `first seen ${when(a.firstSeen)} · last seen ${when(a.lastSeen)}`;
  const remedy = resolved
    ? ''
    : `<div style="margin:6px 0 0 0" data-remedy="true"><b>What to do:</b> ${prose(alertRemedy(a))}</div>`;
  return (
    `<div style="border-left:4px solid ${s.colour};background:${s.background};padding:8px 10px;margin:0 0 10px 0" data-alert="${e(key)}">` +
    `<div>${badge(key)}${a.host ? ` ${token(a.host)}` : ''}</div>` +
    `<div style="margin:4px 0 0 0;font-weight:bold">${prose(alertTitle(a))}</div>` +
    remedy +
    `<div style="margin:4px 0 0 0;${SMALL}">${dates}</div>` +
    (resolved ? '' : clientList(a)) +
    `</div>`
  );
}

function alertSection(title: string, alerts: AlertState[], resolved: boolean): string {
  if (alerts.length === 0) return '';
  return `<h3 style="${FONT};font-size:16px;margin:16px 0 6px 0">${e(title)} (${alerts.length})</h3>` + alerts.map((a) => alertBlock(a, resolved)).join('');
}

function countSection(d: Digest): string {
  const blocks = d.summary.counts.map((c) => {
    const th = c.thresholds
      .map((t) => `<span style="color:${t.met ? '#2e7d32' : '#b00020'};white-space:nowrap">${t.minimum} for ${e(thresholdFor(t.minimum))}: ${t.met ? 'met' : 'not met'}</span>`)
      .join(' · ');
    const damaged = c.damagedOnly ? `<div style="${SMALL};color:${SEVERITY_STYLE.warning.colour}">${e(DAMAGED_HOST_NOTE)}</div>` : '';
    const partial = c.partial ? `<div style="${SMALL};color:${SEVERITY_STYLE.warning.colour}" data-partial="true">${e(PARTIAL_COUNT_NOTE)}</div>` : '';
    return (
      `<div style="padding:5px 0;border-top:1px solid #e0e0e0" data-count="${e(c.host)}">` +
      `<b>${token(c.host)}</b> · ${e(c.application)}: <b>${c.current.toLocaleString('en-US')}</b> counted<br>${th}` +
      `<div style="${SMALL}">last request ${when(c.lastRequestAt) || 'none'}</div>${partial}${damaged}</div>`
    );
  });
  return blocks.join('') || `<div style="${SMALL}">No counted requests in the window.</div>`;
}

/** The HTML part of the digest mail: one column, readable at 600 px. */
export function renderHtml(d: Digest): string {
  const p = d.pending;
  const none = p.opened.length + p.resolved.length + p.ongoing.length === 0 ? `<p>No alerts.</p>` : '';
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${e(d.subject)}</title></head>` +
    `<body style="margin:0;padding:0;background:#ffffff;color:#222222">` +
    `<div style="max-width:600px;margin:0 auto;padding:12px;${FONT};font-size:14px;line-height:1.4">` +
    `<h2 style="${FONT};font-size:18px;margin:0 0 8px 0">kmswatch report at ${when(d.summary.at)}</h2>` +
    alertSection('New alerts', p.opened, false) +
    alertSection('Resolved', p.resolved, true) +
    alertSection('Still open', p.ongoing, false) +
    none +
    `<h3 style="${FONT};font-size:16px;margin:16px 0 6px 0">KMS count per host and application (last 30 days)</h3>` +
    countSection(d) +
    `<p style="${SMALL}">${e(totalsLine(d))}</p>` +
    `</div></body></html>`
  );
}
