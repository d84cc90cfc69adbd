/**
 * DOM building without innerHTML: every value lands through textContent or a property, so a
 * machine name such as `<img src=x onerror=alert(1)>` is shown as text.
 */
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
}

export function cellText(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

export function table<T>(section: string, columns: readonly Column<T>[], rows: readonly T[], onRow?: (row: T) => void): HTMLElement {
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    for (const c of columns) tr.appendChild(el('td', { 'data-field': c.field, class: c.className }, cellText(c.value(row))));
    if (onRow) {
      tr.classList.add('clickable');
      tr.addEventListener('click', () => onRow(row));
    }
    body.appendChild(tr);
  }
  const t = el('table', { 'data-section': section, 'data-rows': rows.length }, el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c.header)))), body);
  if (rows.length === 0) return el('div', {}, t, el('p', { class: 'empty' }, 'Nothing to show.'));
  return el('div', { class: 'table-wrap' }, t);
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
