/**
 * The pieces the alert mail's HTML is built from. Mail clients are narrow (600 px) and Outlook
 * renders with Word's engine: no <style> block, no flex, no tables for layout — stacked blocks with
 * inline styles. A CMID, a date or a name never breaks mid-way: each sits in a nowrap span, and a
 * client-supplied name too long for one line is cut (clients.csv keeps it whole).
 */
import { escapeHtml as e } from './escape.js';

export const FONT = 'font-family:Segoe UI,Arial,sans-serif';

/** Severity in words and colour (the word carries it without colour). */
export const SEVERITY_STYLE: Record<string, { word: string; colour: string; background: string }> = {
  critical: { word: 'Critical', colour: '#b00020', background: '#fdecee' },
  warning: { word: 'Warning', colour: '#8a5300', background: '#fff4e0' },
  info: { word: 'Info', colour: '#2f5f8a', background: '#eaf1f8' },
  resolved: { word: 'Resolved', colour: '#2e7d32', background: '#e9f5ea' },
};

/** Longest name shown whole in a nowrap span (≈ 45 characters at 13 px fit in 600 px). */
const MAX_TOKEN = 45;

/** One unbreakable token (CMID, date, host or machine name), escaped. */
export function token(text: string): string {
  const shown = text.length > MAX_TOKEN ? `${text.slice(0, MAX_TOKEN - 1)}…` : text;
  return `<span style="white-space:nowrap">${e(shown)}</span>`;
}

export function badge(key: string): string {
  const s = SEVERITY_STYLE[key] ?? SEVERITY_STYLE.info;
  return `<span style="color:#ffffff;background:${s.colour};padding:1px 6px;font-weight:bold;white-space:nowrap">${e(s.word.toUpperCase())}</span>`;
}

/** `2026-11-25 14:05 UTC` in a nowrap span; empty for null. */
export function when(t: number | null): string {
  return t === null ? '' : token(`${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
}

/**
 * Reader text with its tokens kept whole: a date with its time (`2026-11-25 14:05 UTC`) and every
 * word with a hyphen, dot, slash or colon between two letters or digits (CMIDs, dates, host names,
 * `Test-NetConnection`) sit in nowrap spans, since mail clients break lines after a hyphen. Other
 * words wrap at spaces. A word longer than a line is left breakable rather than pushing the page sideways.
 */
export function prose(text: string): string {
  let out = '';
  for (const m of text.matchAll(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC|\S+|\s+/g)) {
    const w = m[0];
    const keep = (/^\d{4}-\d{2}-\d{2} /.test(w) || /\w[-./:]\w/.test(w)) && w.length <= MAX_TOKEN;
    out += keep ? `<span style="white-space:nowrap">${e(w)}</span>` : e(w);
  }
  return out;
}
