/**
 * Rows as the body of `COPY … FROM STDIN` in text format (PostgreSQL docs, COPY "Text Format"):
 * columns split by tab, rows ended by newline, NULL as \N, and backslash, tab, newline and carriage
 * return escaped with a backslash; everything else is literal. Booleans are t/f.
 */
const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyTextValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return value.replace(SPECIAL, (ch) => ESCAPES[ch]);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new TypeError(`cannot COPY the value ${String(value)}`);
}

export function copyText(rows: readonly (readonly unknown[])[]): string {
  let out = '';
  for (const row of rows) out += `${row.map(copyTextValue).join('\t')}\n`;
  return out;
}
