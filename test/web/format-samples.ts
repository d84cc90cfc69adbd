/**
 * One or more files of every input format `kmswatch ingest` reads (src/sources/formats.ts), for the
 * offline page and bytes-source tests: the hand-written fixtures of test/fixtures/sources, the web
 * fleet (fleet.ts) as EVTX, as `Get-EventLog | Export-Csv` (the simulator's CSV writer) and as
 * `wevtutil qe /f:text`. `events` and `issues` are what reading the file must give, counted by
 * hand (see each entry); generated samples are written under os.tmpdir() so that the file path
 * readers (openSource) can read them too.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SimEvent } from '../../src/simulate/events.js';
import { openOutput } from '../../src/simulate/outputs/formats.js';
import type { InputFormat } from '../../src/sources/types.js';
import { fixture } from '../sources/helpers.js';
import { fleetEvents, fleetEvtx } from './fleet.js';
import { wevtutilTextBlocks } from '../helpers/wevtutil-text.js';

export interface FormatSample {
  /** What the file is, in words (the export command). */
  label: string;
  format: InputFormat;
  /** File name as dropped (detection looks at it for some formats). */
  name: string;
  path: string;
  bytes: Uint8Array;
  events: number;
  issues: number;
  /** The host to type on the offline page (formats that name no computer). */
  host?: string;
}

/** The 12290/12294… events of KMS01's Key Management Service log in the fleet (one host, one channel, as one export holds). */
export function kms01Events(): SimEvent[] {
  return fleetEvents().filter((e) => e.computer === 'KMS01' && e.channel === 'Key Management Service');
}

/** `yyyy-MM-ddTHH:mm:ss.fff` + Z, as wevtutil /f:text prints Date on current Windows builds. */
function wevtutilDate(ms: number): string {
  return new Date(ms).toISOString();
}

/** `wevtutil qe "Key Management Service" /f:text`: one block per event, the description last. */
export function wevtutilText(events: readonly SimEvent[]): string {
  return wevtutilTextBlocks(events, (e) => wevtutilDate(e.time));
}

let cached: FormatSample[] | null = null;

export function formatSamples(): FormatSample[] {
  if (cached) return cached;
  const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-formats-'));
  const written = (name: string, bytes: Uint8Array): string => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  const fromFixture = (label: string, format: InputFormat, name: string, events: number, issues: number, host?: string): FormatSample => ({
    label, format, name, path: fixture(name), bytes: new Uint8Array(readFileSync(fixture(name))), events, issues, ...(host ? { host } : {}),
  });

  const kms01 = kms01Events();
  const evtx = fleetEvtx();
  const csvFile = path.join(dir, 'kms01-export.csv');
  const csv = openOutput('csv', csvFile);
  for (const ev of kms01) csv.write(ev);
  csv.close();
  const text = new TextEncoder().encode(wevtutilText(kms01));

  cached = [
    // every event of fleet.ts, written by the EVTX writer
    { label: 'EVTX (the log file itself)', format: 'evtx', name: 'Key Management Service.evtx', path: written('Key Management Service.evtx', evtx), bytes: evtx, events: fleetEvents().length, issues: 0 },
    // README: four events (one-line, indented, entity-laden, foreign 1337)
    fromFixture('wevtutil qe /f:xml /e:Events', 'xml', 'kms-events-root.xml', 4, 0),
    // README: two bare <Event> fragments without a root
    fromFixture('wevtutil qe /f:xml (no /e:)', 'xml', 'kms-fragments.xml', 2, 0),
    // two objects each (README §3.5 rows)
    fromFixture('Get-WinEvent | ConvertTo-Json (PS 5.1)', 'psjson', 'psjson-lost.json', 2, 0),
    fromFixture('Get-WinEvent | Select-Object … | ConvertTo-Json', 'psjson', 'psjson-select.json', 2, 0),
    fromFixture('Get-EventLog | ConvertTo-Json', 'psjson', 'psjson-properties.json', 2, 0),
    // three data rows after #TYPE and the header: two 12290, one 1337
    fromFixture('Get-EventLog | Export-Csv (en-US)', 'csv-export', 'export-csv-enus.csv', 3, 0),
    // two rows, `;` delimiter
    fromFixture('Export-Csv -UseCulture (de-DE)', 'csv-export', 'export-csv-dede.csv', 2, 0),
    // one row
    fromFixture('Get-WinEvent | Export-Csv', 'csv-export', 'get-winevent-export.csv', 1, 0),
    // one header row written by the simulator, then one row per KMS01 event
    { label: 'Get-EventLog | Export-Csv (the fleet\'s KMS01)', format: 'csv-export', name: 'kms01-export.csv', path: csvFile, bytes: new Uint8Array(readFileSync(csvFile)), events: kms01.length, issues: 0 },
    // three rows (two 12290, one 1337); Event Viewer names no computer: the host is typed
    fromFixture('Event Viewer "Save as CSV"', 'csv-eventviewer', 'eventviewer.csv', 3, 0, 'kms09'),
    // five lines: four events, one truncated line
    fromFixture('Winlogbeat', 'winlogbeat', 'winlogbeat.ndjson', 4, 1),
    // four lines, four events
    fromFixture('Fluent Bit', 'fluentbit', 'fluentbit.ndjson', 4, 0),
    // three lines: two events, one with EventID "twelve"
    fromFixture('NXLog to_json()', 'nxlog', 'nxlog.ndjson', 2, 1),
    // two lines: json and raw_json
    fromFixture('OpenWEC', 'openwec', 'openwec.ndjson', 2, 0),
    // README: the KMS query (records 1201-1206) and the Application query (four events) appended: 6 + 4
    fromFixture('wevtutil qe /f:text > kms.txt (PowerShell 5.1, UTF-16LE)', 'wevtutil-text', 'wevtutil-kms01-ps51.txt', 10, 0),
    // one block per KMS01 event of the fleet
    { label: 'wevtutil qe /f:text (the fleet\'s KMS01)', format: 'wevtutil-text', name: 'kms01.txt', path: written('kms01.txt', text), bytes: text, events: kms01.length, issues: 0 },
    // README: the same save as eventviewer-kms01.csv (three requests) as "Text (Tab delimited)"
    fromFixture('Event Viewer "Save as Text (Tab delimited)"', 'csv-eventviewer', 'eventviewer-kms01.txt', 3, 0, 'KMS01'),
  ];
  return cached;
}
