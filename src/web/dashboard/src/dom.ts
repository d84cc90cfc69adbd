/**
 * DOM building without innerHTML: every value lands through textContent or a property, so a
 * machine name such as `<img src=x onerror=alert(1)>` is shown as text.
 */
import { num } from './format.js';

export type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} missing from the page`);
  return node as T;
}

export interface Column<T> {
  header: string;
  /** data-field of the cells (tests and CSS find values by it). */
  field: string;
  value: (row: T) => string | number | boolean | null | undefined;
  className?: string;
  /** One token (a name, GUID, time, code): never broken across lines. */
  nowrap?: boolean;
  /** Right-aligned, with thousands separators. */
  numeric?: boolean;
  /** The row's title on a narrow screen (stacked rows): shown first, without its label. */
  primary?: boolean;
}

export function cellText(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return num(v);
  return String(v);
}

/**
 * GUIDs, times, result codes and names (host names, `PC-00175`) inside a sentence: each is kept on
 * one line. Longer than this, a token may break rather than push the page sideways on a phone.
 */
const TOKEN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?(?: UTC|Z)?)?|0x[0-9A-F]{8}|[\w$]+(?:[.:-][\w$]+)+/gi;
const LONGEST_KEPT_TOKEN = 40;

/** Text with its tokens in `<span class="tok">`, as DOM (no markup is parsed). */
export function tokenText(text: string): DocumentFragment {
  const out = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (m[0].length > LONGEST_KEPT_TOKEN || (!/[-.:]/.test(m[0]))) continue;
    out.append(text.slice(last, m.index), el('span', { class: 'tok' }, m[0]));
    last = (m.index ?? 0) + m[0].length;
  }
  out.append(text.slice(last));
  return out;
}

export interface TableOptions<T> {
  /** Opens a row (click, Enter or Space): the row becomes keyboard-reachable. */
  onRow?: (row: T, tr: HTMLTableRowElement) => void;
  /** What an empty table says instead (default "Nothing to show."). */
  empty?: string;
  /** Sortable columns by field; the header of `by` carries the direction. */
  sort?: { fields: readonly string[]; by: string; desc: boolean; onSort: (field: string) => void };
  /** Accessible name of the table. */
  caption?: string;
}

function headerCell<T>(c: Column<T>, sort: TableOptions<T>['sort']): HTMLElement {
  const cls = [c.numeric ? 'num' : '', c.nowrap ? 'nowrap' : ''].filter(Boolean).join(' ') || undefined;
  if (!sort || !sort.fields.includes(c.field)) return el('th', { scope: 'col', class: cls }, c.header);
  const active = sort.by === c.field;
  const direction = active ? (sort.desc ? 'desc' : 'asc') : 'none';
  const button = el('button', { type: 'button', class: 'sort', 'data-sort': c.field, title: `sort by ${c.header.toLowerCase()}` }, c.header, el('span', { class: `arrow ${direction}`, 'aria-hidden': 'true' }));
  button.addEventListener('click', () => sort.onSort(c.field));
  return el('th', { scope: 'col', class: cls, 'aria-sort': active ? (sort.desc ? 'descending' : 'ascending') : undefined }, button);
}

export function table<T>(section: string, columns: readonly Column<T>[], rows: readonly T[], options: TableOptions<T> = {}): HTMLElement {
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    for (const c of columns) {
      const cls = [c.className, c.nowrap ? 'nowrap' : '', c.numeric ? 'num' : '', c.primary ? 'primary' : ''].filter(Boolean).join(' ') || undefined;
      const text = cellText(c.value(row));
      // one child, so that a stacked row (narrow screens) lays the label and the value side by side
      tr.appendChild(el('td', { 'data-field': c.field, 'data-label': c.header, class: cls }, el('span', { class: 'cell' }, c.nowrap || text.length < 12 ? text : tokenText(text))));
    }
    const onRow = options.onRow;
    if (onRow) {
      tr.classList.add('clickable');
      tr.tabIndex = 0;
      tr.addEventListener('click', () => onRow(row, tr));
      tr.addEventListener('keydown', (ev) => {
        if (ev.target !== tr || (ev.key !== 'Enter' && ev.key !== ' ')) return;
        ev.preventDefault();
        onRow(row, tr);
      });
    }
    body.appendChild(tr);
  }
  const t = el(
    'table',
    { 'data-section': section, 'data-rows': rows.length, class: 'stack' },
    options.caption ? el('caption', { class: 'visually-hidden' }, options.caption) : null,
    el('thead', {}, el('tr', {}, ...columns.map((c) => headerCell(c, options.sort)))),
    body,
  );
  if (rows.length === 0) return el('div', { class: 'table-empty' }, t, el('p', { class: 'empty' }, options.empty ?? 'Nothing to show.'));
  // a region that may scroll sideways (a wide table on a desk) is reachable by keyboard
  return el('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': options.caption ?? section }, t);
}

/** A failed request, said where its data would have been. */
export function failure(what: string, error: unknown): HTMLElement {
  const message = error instanceof Error ? error.message : String(error);
  return el('div', { class: 'failure', role: 'alert', 'data-state': 'error' }, el('strong', {}, `Could not load ${what}. `), message);
}

export function loading(what: string): HTMLElement {
  return el('p', { class: 'loading', 'data-state': 'loading' }, `Loading ${what}…`);
}

/**
 * Fills `target` with what `load` gives, drawn by `render`; a failure (an HTTP error, a bad
 * parameter, a lost connection) becomes a message in the same place.
 */
export async function fill<T>(target: HTMLElement, what: string, load: () => Promise<T>, render: (value: T) => Node): Promise<T | undefined> {
  clear(target);
  target.appendChild(loading(what));
  try {
    const value = await load();
    clear(target);
    target.appendChild(render(value));
    return value;
  } catch (e) {
    clear(target);
    target.appendChild(failure(what, e));
    return undefined;
  }
}

/** Offers text as a file download (CSV export) without a round trip. */
export function download(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: fileName });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `2026-03-01T00:00:00.000Z` → `2026-03-01 00:00:00Z` (UTC, as the API gives it). */
export function shortTime(isoText: string | null | undefined): string {
  return isoText ? isoText.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') : '';
}
