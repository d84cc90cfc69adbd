import { DEFAULT_MAX_CELL_WIDTH, displayWidth, padTo, printable, shownCell, truncate, wrapText, type CellValue } from './cells.js';

/** One column of a table or CSV: report columns are data, the renderers are generic. */
export interface Column<T> {
  header: string;
  value: (row: T) => CellValue;
  align?: 'left' | 'right';
  /**
   * May be cut (with `…`) when the table is wider than the terminal; widest first. Names and ids
   * never are: a cut name or CMID points at the wrong machine.
   */
  shrink?: boolean;
  /**
   * Long text that wraps onto more lines (at spaces) when the table is wider than the terminal;
   * `'list'`: items separated by `, ` (names, thresholds), broken between items.
   */
  wrap?: boolean | 'list';
  /** Never cut or wrapped below this many columns (default 8). */
  minWidth?: number;
  /**
   * Text tables (and CSV on a terminal) end a longer cell with `…` here (default
   * DEFAULT_MAX_CELL_WIDTH, 64): a 5,000-character machine name must not widen every row. CSV to
   * a file or pipe and JSON keep whole values.
   */
  maxWidth?: number;
}

export interface TableOptions {
  /** Terminal width; undefined = no limit. */
  width?: number;
  /** Gap between columns. */
  gap?: number;
  /** Indentation of every line. */
  indent?: string;
}

const flexible = <T>(c: Column<T>): boolean => Boolean(c.shrink || c.wrap);

/** A cell in a column `width` wide: wrapped (wrap columns) or cut with `…`. */
function cellLines<T>(c: Column<T>, text: string, width: number): string[] {
  return c.wrap ? wrapText(text, width, { list: c.wrap === 'list' }) : [truncate(text, width)];
}

/**
 * Aligned columns with a header and a rule; cells are escaped (cells.ts printable) and cut at
 * their column's maxWidth. Numbers align right by default. When `width` is set and the table is
 * wider, long text columns give way, widest first, down to their minimum: `wrap` columns onto
 * more lines, `shrink` columns cut with `…`. When names and ids alone are wider than `width`, each
 * row becomes a block of `Header  value` lines instead (as psql's expanded display), so nothing
 * runs past the terminal's edge and no name is cut.
 */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[], options: TableOptions = {}): string {
  const gap = options.gap ?? 2;
  const indent = options.indent ?? '';
  const cells = rows.map((row) => columns.map((c) => shownCell(c.value(row), c.maxWidth ?? DEFAULT_MAX_CELL_WIDTH)));
  const aligns = columns.map((c): 'left' | 'right' => c.align ?? (rows.length > 0 && rows.every((r) => typeof c.value(r) === 'number') ? 'right' : 'left'));
  const headers = columns.map((c) => printable(c.header));
  const cellWidths = columns.map((_, i) => Math.max(0, ...cells.map((r) => displayWidth(r[i]))));
  const widths = columns.map((_, i) => Math.max(displayWidth(headers[i]), cellWidths[i]));

  if (options.width !== undefined) {
    const available = options.width - displayWidth(indent) - gap * (columns.length - 1);
    wrapHeaders(headers, cellWidths, widths, available);
    if (!fitWidths(columns, widths, available)) return renderRecords(columns, cells, options.width, gap, indent);
  }

  const line = (values: string[]) =>
    indent +
    values
      .map((v, i) => padTo(v, widths[i], aligns[i]))
      .join(' '.repeat(gap))
      .trimEnd();
  const lines = (parts: readonly string[][]): string[] => {
    const height = Math.max(...parts.map((p) => p.length));
    return Array.from({ length: height }, (_, k) => line(parts.map((p) => p[k] ?? '')));
  };
  // Headers wrap at spaces in a narrowed column; cells wrap (wrap columns) or are cut (shrink columns).
  const out = [...lines(headers.map((h, i) => wrapText(h, widths[i]))), indent + widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap))];
  for (const r of cells) out.push(...lines(r.map((v, i) => cellLines(columns[i], v, widths[i]))));
  return out.join('\n') + '\n';
}

/**
 * First step to a narrower table, before any cell gives way: a header wider than its column's cells
 * wraps at spaces ("DNS failed" over two lines), the largest saving first, until the table fits.
 */
function wrapHeaders(headers: readonly string[], cellWidths: readonly number[], widths: number[], available: number): void {
  let excess = widths.reduce((a, b) => a + b, 0) - available;
  const floors = headers.map((h, i) => Math.max(cellWidths[i], ...h.split(/ +/).map(displayWidth)));
  const order = widths.map((_, i) => i).sort((a, b) => widths[b] - floors[b] - (widths[a] - floors[a]));
  for (const i of order) {
    if (excess <= 0) return;
    const cut = Math.min(excess, widths[i] - floors[i]);
    if (cut <= 0) continue;
    // the header's lines are as wide as its longest line, so narrow to what wrapping really gives
    const target = Math.max(floors[i], ...wrapText(headers[i], widths[i] - cut).map(displayWidth));
    excess -= widths[i] - target;
    widths[i] = target;
  }
}

/** Narrows flexible columns, widest first, down to their minimum; whether the table now fits. */
function fitWidths<T>(columns: readonly Column<T>[], widths: number[], available: number): boolean {
  let excess = widths.reduce((a, b) => a + b, 0) - available;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < columns.length; i++) {
      const min = Math.max(columns[i].minWidth ?? 8, 1);
      if (!flexible(columns[i]) || widths[i] <= min) continue;
      if (widest < 0 || widths[i] > widths[widest]) widest = i;
    }
    if (widest < 0) return false;
    widths[widest]--;
    excess--;
  }
  return true;
}

/** One block per row: `Header  value`, long text wrapped to the width, a rule between rows. */
function renderRecords<T>(columns: readonly Column<T>[], cells: readonly string[][], width: number, gap: number, indent: string): string {
  const labelWidth = Math.max(...columns.map((c) => displayWidth(printable(c.header))));
  const valueWidth = Math.max(16, width - displayWidth(indent) - labelWidth - gap);
  const pad = ' '.repeat(labelWidth + gap);
  const out: string[] = [];
  cells.forEach((row, r) => {
    if (r > 0) out.push(indent + '─'.repeat(labelWidth));
    columns.forEach((c, i) => {
      const lines = flexible(c) ? cellLines(c, row[i], valueWidth) : [row[i]];
      out.push(`${indent}${padTo(printable(c.header), labelWidth, 'left')}${' '.repeat(gap)}${lines[0]}`.trimEnd());
      for (const more of lines.slice(1)) out.push(`${indent}${pad}${more}`);
    });
  });
  return out.length > 0 ? out.join('\n') + '\n' : '';
}
