import { cellText, displayWidth, padTo, truncate, type CellValue } from './cells.js';

/** One column of a table or CSV: report columns are data, the renderers are generic. */
export interface Column<T> {
  header: string;
  value: (row: T) => CellValue;
  align?: 'left' | 'right';
  /** May be cut (with `…`) when the table is wider than the terminal; widest shrinkable first. */
  shrink?: boolean;
  /** Never cut below this many columns (default 8). */
  minWidth?: number;
}

export interface TableOptions {
  /** Terminal width; undefined = no limit. */
  width?: number;
  /** Gap between columns. */
  gap?: number;
  /** Indentation of every line. */
  indent?: string;
}

/**
 * Aligned columns with a header and a rule. Numbers align right by default. When `width` is set
 * and the table is wider, shrinkable columns are cut, widest first, down to their minimum.
 */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[], options: TableOptions = {}): string {
  const gap = options.gap ?? 2;
  const indent = options.indent ?? '';
  const cells = rows.map((row) => columns.map((c) => cellText(c.value(row))));
  const aligns = columns.map((c): 'left' | 'right' => c.align ?? (rows.length > 0 && rows.every((r) => typeof c.value(r) === 'number') ? 'right' : 'left'));
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i]))));

  if (options.width !== undefined) fitWidths(columns, widths, options.width - indent.length - gap * (columns.length - 1));

  const line = (values: string[]) =>
    indent +
    values
      .map((v, i) => padTo(truncate(v, widths[i]), widths[i], aligns[i]))
      .join(' '.repeat(gap))
      .trimEnd();
  const out = [line(columns.map((c) => c.header)), indent + widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap))];
  for (const r of cells) out.push(line(r));
  return out.join('\n') + '\n';
}

function fitWidths<T>(columns: readonly Column<T>[], widths: number[], available: number): void {
  let excess = widths.reduce((a, b) => a + b, 0) - available;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < columns.length; i++) {
      const min = Math.max(columns[i].minWidth ?? 8, 1);
      if (!columns[i].shrink || widths[i] <= min) continue;
      if (widest < 0 || widths[i] > widths[widest]) widest = i;
    }
    if (widest < 0) return;
    widths[widest]--;
    excess--;
  }
}
