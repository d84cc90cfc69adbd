import { parseDetails } from '../alerts/state.js';
import type { AlertState } from '../store/types.js';
import type { Digest } from './digest.js';
import { escapeHtml as e } from './escape.js';
import { DAMAGED_HOST_NOTE, PARTIAL_COUNT_NOTE, totalsLine } from './render-text.js';

/*
 * Outlook renders HTML with Word's engine: no <style> blocks it can rely on, no flex, no scripts.
 * So: tables, inline styles, plain colours. Every value is escaped.
 */

const SEVERITY_COLOUR: Record<string, string> = { critical: '#b00020', warning: '#b36b00', info: '#2f5f8a', resolved: '#2e7d32' };
const TABLE = 'border-collapse:collapse;font-family:Segoe UI,Arial,sans-serif;font-size:13px;margin:0 0 16px 0';
const TH = 'border:1px solid #cccccc;background:#f2f2f2;padding:4px 8px;text-align:left';
const TD = 'border:1px solid #cccccc;padding:4px 8px;vertical-align:top';
const CLIENT_ROWS = 10;

const iso = (t: number | null) => (t === null ? '' : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`);

function badge(label: string, key: string): string {
  return `<span style="color:#ffffff;background:${SEVERITY_COLOUR[key] ?? '#555555'};padding:1px 6px;font-weight:bold">${e(label)}</span>`;
}

function clientTable(a: AlertState): string {
  const details = parseDetails(a);
  const clients = details.clients ?? [];
  if (clients.length === 0) return '';
  const rows = clients
    .slice(0, CLIENT_ROWS)
    .map((c) => `<tr><td style="${TD}">${e(c.machine)}</td><td style="${TD}">${e(c.cmid)}</td><td style="${TD}">${e(c.productName)}</td><td style="${TD}">${e(iso(c.lastSeen))}</td></tr>`)
    .join('');
  const total = details.clientsTotal ?? clients.length;
  const more = total > CLIENT_ROWS ? `<div style="font-size:12px;color:#555555">… ${total - CLIENT_ROWS} more in clients.csv</div>` : '';
  return `<table style="${TABLE};font-size:12px"><tr><th style="${TH}">Machine</th><th style="${TH}">CMID</th><th style="${TH}">Product</th><th style="${TH}">Last seen</th></tr>${rows}</table>${more}`;
}

function alertTable(title: string, alerts: AlertState[], resolved: boolean): string {
  if (alerts.length === 0) return '';
  const rows = alerts
    .map((a) => {
      const label = resolved ? 'RESOLVED' : a.severity.toUpperCase();
      const when = resolved ? `resolved ${iso(a.resolvedAt)}` : `last seen ${iso(a.lastSeen)}`;
      return (
        `<tr><td style="${TD}">${badge(label, resolved ? 'resolved' : a.severity)}</td>` +
        `<td style="${TD}">${e(a.host ?? '')}</td>` +
        `<td style="${TD}">${e(a.summary)}${resolved ? '' : clientTable(a)}</td>` +
        `<td style="${TD};font-size:12px">first seen ${e(iso(a.firstSeen))}<br>${e(when)}<br><span style="color:#777777">${e(a.id)}</span></td></tr>`
      );
    })
    .join('');
  return (
    `<h3 style="font-family:Segoe UI,Arial,sans-serif;margin:16px 0 6px 0">${e(title)} (${alerts.length})</h3>` +
    `<table style="${TABLE}"><tr><th style="${TH}">Severity</th><th style="${TH}">Host</th><th style="${TH}">Alert</th><th style="${TH}">When</th></tr>${rows}</table>`
  );
}

function countTable(d: Digest): string {
  const rows = d.summary.counts
    .map((c) => {
      const th = c.thresholds
        .map((t) => `<span style="color:${t.met ? '#2e7d32' : '#b00020'}">${t.minimum} ${t.met ? 'met' : 'not met'}</span>`)
        .join(', ');
      const damaged = c.damagedOnly ? `<br><span style="font-size:12px;color:${SEVERITY_COLOUR.warning}">${e(DAMAGED_HOST_NOTE)}</span>` : '';
      const partial = c.partial ? `<br><span style="font-size:12px;color:${SEVERITY_COLOUR.warning}" data-partial="true">${e(PARTIAL_COUNT_NOTE)}</span>` : '';
      return `<tr><td style="${TD}">${e(c.host)}${damaged}</td><td style="${TD}">${e(c.application)}</td><td style="${TD};text-align:right">${c.current}${partial}</td><td style="${TD}">${th}</td><td style="${TD}">${e(iso(c.lastRequestAt))}</td></tr>`;
    })
    .join('');
  const body = rows || `<tr><td style="${TD}" colspan="5">no counted requests</td></tr>`;
  return `<table style="${TABLE}"><tr><th style="${TH}">Host</th><th style="${TH}">Application</th><th style="${TH}">Current</th><th style="${TH}">Thresholds</th><th style="${TH}">Last request</th></tr>${body}</table>`;
}

/** The HTML part of the digest mail. */
export function renderHtml(d: Digest): string {
  const p = d.pending;
  const none = p.opened.length + p.resolved.length + p.ongoing.length === 0 ? '<p style="font-family:Segoe UI,Arial,sans-serif">No alerts.</p>' : '';
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${e(d.subject)}</title></head>` +
    `<body style="margin:0;padding:12px;background:#ffffff;color:#222222">` +
    `<h2 style="font-family:Segoe UI,Arial,sans-serif;margin:0 0 8px 0">kmswatch report at ${e(iso(d.summary.at))}</h2>` +
    alertTable('New alerts', p.opened, false) +
    alertTable('Resolved', p.resolved, true) +
    alertTable('Still open', p.ongoing, false) +
    none +
    `<h3 style="font-family:Segoe UI,Arial,sans-serif;margin:16px 0 6px 0">KMS count per host and application (last 30 days)</h3>` +
    countTable(d) +
    `<p style="font-family:Segoe UI,Arial,sans-serif;font-size:12px;color:#555555">${e(totalsLine(d))}</p>` +
    `</body></html>`
  );
}
