import { DEFAULT_MAX_CELL_WIDTH, shownCell, type CellValue } from './cells.js';
import type { Column } from './table.js';

/**
 * One RFC 4180 field. Text that a spreadsheet would run as a formula (starting with = + - @, or a
 * tab / carriage return that some spreadsheets skip before one) gets a leading `'`; numbers and
 * booleans are written as they are. Quotes, commas and line breaks are quoted.
 */
export function csvField(value: CellValue): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvOptions {
  /**
   * For a terminal: text cells as the text tables show them (escaped, `…` past the column's
   * maxWidth), so a CR/LF in a name shows as `\r\n` inside its field instead of breaking the row.
   * Files and pipes get whole values (the default).
   */
  terminal?: boolean;
}

/** Header + rows, CRLF line ends (RFC 4180). */
export function renderCsv<T>(columns: readonly Column<T>[], rows: readonly T[], options: CsvOptions = {}): string {
  const field = (c: Column<T>, value: CellValue): string =>
    csvField(options.terminal && typeof value === 'string' ? shownCell(value, c.maxWidth ?? DEFAULT_MAX_CELL_WIDTH) : value);
  const lines = [columns.map((c) => field(c, c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => field(c, c.value(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}
