/**
 * The input formats and how messages name them. No Node imports: the dashboard's offline
 * analysis (bundled for the browser) and the HTTP ingest use these as the CLI does.
 */
import type { InputFormat } from './types.js';

export const INPUT_FORMATS: readonly InputFormat[] = [
  'evtx', 'xml', 'winlogbeat', 'fluentbit', 'nxlog', 'openwec', 'psjson', 'csv-export', 'csv-eventviewer', 'wevtutil-text',
];

/** Each format as a message names it. */
export const FORMAT_LABELS: Readonly<Record<InputFormat, string>> = {
  evtx: 'EVTX',
  xml: 'event XML (wevtutil, Get-WinEvent)',
  winlogbeat: 'Winlogbeat JSON',
  fluentbit: 'Fluent Bit JSON',
  nxlog: 'NXLog JSON',
  openwec: 'OpenWEC JSON',
  psjson: 'PowerShell JSON (Get-WinEvent | ConvertTo-Json)',
  'csv-export': 'Export-Csv CSV',
  'csv-eventviewer': 'Event Viewer CSV or tab-delimited text',
  'wevtutil-text': 'wevtutil text (/f:text)',
};

/** The reason given for content that matches no format. */
export const UNKNOWN_FORMAT_REASON =
  'not a known export format (EVTX, event XML, wevtutil text, Winlogbeat/Fluent Bit/NXLog/OpenWEC/PowerShell JSON, Export-Csv or Event Viewer CSV/TXT)';

/**
 * Formats whose events name no computer: Event Viewer's own saves ("Save All Events As… → CSV" and
 * "→ Text (Tab delimited)"). Their events belong to the host the user names (`--host`); without
 * a name they are refused, so that two hosts' saves never merge into one nameless host.
 */
const FORMATS_WITHOUT_COMPUTER: ReadonlySet<InputFormat> = new Set<InputFormat>(['csv-eventviewer']);

export function namesNoComputer(format: InputFormat): boolean {
  return FORMATS_WITHOUT_COMPUTER.has(format);
}

/** The reason given for an `--encoding` no decoder knows. */
export function unknownEncodingReason(name: string): string {
  return `unknown encoding "${name}" (expected a code page such as cp850, cp437, cp1252 or windows-1252)`;
}
