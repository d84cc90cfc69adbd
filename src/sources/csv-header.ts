/**
 * Recognises the CSV shapes from their first lines (used by detection and by the reader):
 * the `#TYPE` line of Windows PowerShell's Export-Csv, the delimiter (`,`, or `;` / tab from
 * `-UseCulture` / `-Delimiter`), and the header row.
 */
export type CsvFormat = 'csv-export' | 'csv-eventviewer';

const TYPE_LINE_RE = /^#TYPE\s+(\S.*)$/;
const EVENT_LOG_ENTRY_RE = /EventLogEntry#([^/]+)\//;

export interface TypeLine {
  typeName: string;
  /** Log name of `System.Diagnostics.EventLogEntry#<log>/<source>/<id>`. */
  channel?: string;
}

export function parseTypeLine(line: string): TypeLine | null {
  const m = TYPE_LINE_RE.exec(line.trim());
  if (!m) return null;
  const channel = EVENT_LOG_ENTRY_RE.exec(m[1])?.[1];
  return channel ? { typeName: m[1], channel } : { typeName: m[1] };
}

/** The delimiter that splits the header into the most fields outside quotes. */
export function sniffDelimiter(headerLine: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** Splits a header line (no multi-line fields in a header). */
export function splitHeader(headerLine: string, delimiter: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < headerLine.length; i++) {
    const ch = headerLine[i];
    if (ch === '"') {
      if (quoted && headerLine[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === delimiter && !quoted) {
      fields.push(current);
      current = '';
    } else current += ch;
  }
  fields.push(current);
  return fields.map((f) => f.trim());
}

/** Event Viewer headers: English and German are known; otherwise the column pattern decides. */
const EVENT_VIEWER_HEADERS = [
  ['level', 'date and time', 'source', 'event id', 'task category'],
  ['ebene', 'datum und uhrzeit', 'quelle', 'ereignis-id', 'aufgabenkategorie'],
];

export function classifyCsvHeader(fields: string[]): CsvFormat | null {
  const names = fields.map((f) => f.toLowerCase());
  const has = (n: string): boolean => names.includes(n);
  if (EVENT_VIEWER_HEADERS.some((h) => h.every((n, i) => names[i] === n))) return 'csv-eventviewer';
  if ((has('eventid') || has('instanceid')) && has('timegenerated')) return 'csv-export';
  if (has('id') && has('timecreated') && (has('recordid') || has('machinename'))) return 'csv-export';
  if (names.length >= 5 && /dat/.test(names[1] ?? '') && /\bid\b|-id$/.test(names[3] ?? '')) return 'csv-eventviewer';
  return null;
}
