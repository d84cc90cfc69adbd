/**
 * The input formats and how messages name them. No Node imports: the dashboard's offline
 * analysis (bundled for the browser) and the HTTP ingest use these as the CLI does.
 */
import type { InputFormat } from './types.js';

export const INPUT_FORMATS: readonly InputFormat[] = [
  'evtx', 'xml', 'winlogbeat', 'fluentbit', 'nxlog', 'openwec', 'psjson', 'csv-export', 'csv-eventviewer',
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
  'csv-eventviewer': 'Event Viewer CSV',
};

/** The reason given for content that matches no format. */
export const UNKNOWN_FORMAT_REASON =
  'not a known export format (EVTX, event XML, Winlogbeat/Fluent Bit/NXLog/OpenWEC/PowerShell JSON, Export-Csv or Event Viewer CSV)';
