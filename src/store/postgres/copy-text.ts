/**
 * Encoder for PostgreSQL's COPY text format (https://www.postgresql.org/docs/current/sql-copy.html,
 * "Text Format"): one line per row, columns separated by TAB, NULL written as `\N`, and inside a
 * value backslash, TAB, newline and carriage return written as `\\`, `\t`, `\n`, `\r`. Nothing else
 * is special, so any other string, however hostile, passes through unchanged.
 *
 * PostgreSQL text cannot hold U+0000 at all; a NUL is stored as U+FFFD (the replacement character)
 * rather than failing the whole batch. docs/postgres.md lists this difference from SQLite.
 */
const SPECIAL = /[\\\t\n\r\u0000]/;
const SPECIAL_ALL = /[\\\t\n\r\u0000]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u0000': '\uFFFD' };

export class CopyValueError extends TypeError {
  override readonly name = 'CopyValueError';
}

export function copyTextValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  switch (typeof value) {
    case 'string':
      return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
    case 'number':
      if (!Number.isFinite(value)) throw new CopyValueError(`${value} is not a finite number`);
      return String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 't' : 'f';
    default:
      throw new CopyValueError(`a ${typeof value} cannot be stored`);
  }
}

/**
 * Encodes rows `start .. end-1` of a flat value array (`width` values per row) as COPY text lines.
 * Each line starts with the row's index, the staging table's ordinal column, so that moving the
 * rows to their table keeps batch order (the first of two duplicates in a batch wins, as in SQLite).
 * `onBadRow` names the row whose value cannot be encoded.
 */
export function copyTextRows(
  values: readonly unknown[],
  width: number,
  start: number,
  end: number,
  onBadRow: (row: number, err: CopyValueError) => never,
): string {
  let out = '';
  const cells: string[] = new Array(width + 1);
  for (let r = start; r < end; r++) {
    cells[0] = String(r);
    const base = r * width;
    try {
      for (let c = 0; c < width; c++) cells[c + 1] = copyTextValue(values[base + c]);
    } catch (err) {
      if (err instanceof CopyValueError) onBadRow(r, err);
      throw err;
    }
    out += cells.join('\t') + '\n';
  }
  return out;
}
