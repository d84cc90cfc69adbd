/**
 * Severity as colour, shape and word: readable without colour too (and by a screen reader). The
 * shapes (diamond, triangle, circle, bar) are drawn by styles.css, whatever fonts the browser has.
 */
import { el } from './dom.js';

export function severityBadge(severity: string, word?: string): HTMLElement {
  const text = word ?? severity[0].toUpperCase() + severity.slice(1);
  return el('span', { class: `badge sev-${severity}`, 'data-field': 'severity' }, el('span', { class: 'icon', 'aria-hidden': 'true' }), text);
}
