import type { CellValue } from './cells.js';
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

/** Header + rows, CRLF line ends (RFC 4180). */
export function renderCsv<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}
