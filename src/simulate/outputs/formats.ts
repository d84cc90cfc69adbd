/**
 * The export shapes a simulated log can be written in (docs/reference/formats.md): EVTX (our
 * writer), wevtutil `qe /f:xml /e:Events`, Winlogbeat NDJSON and `Get-EventLog | Export-Csv`.
 * Each output takes events of one host and channel in time order.
 */
import { nodeCrc32 } from '../../evtx/node/index.js';
import { EVENT_NAMESPACE, EvtxFileWriter } from '../../evtx/writer/index.js';
import type { SimEvent } from '../events.js';
import { EvtxFileSink, TextFileSink } from './file-sink.js';

export const SIM_FORMATS = ['evtx', 'xml', 'ndjson', 'csv'] as const;
export type SimFormat = (typeof SIM_FORMATS)[number];

export interface LogOutput {
  readonly file: string;
  write(ev: SimEvent): void;
  close(): void;
}

export function openOutput(format: SimFormat, file: string): LogOutput {
  switch (format) {
    case 'evtx': return new EvtxOutput(file);
    case 'xml': return new XmlOutput(file);
    case 'ndjson': return new WinlogbeatOutput(file);
    case 'csv': return new ExportCsvOutput(file);
  }
}

class EvtxOutput implements LogOutput {
  private readonly sink: EvtxFileSink;
  private readonly writer: EvtxFileWriter;
  constructor(readonly file: string) {
    this.sink = new EvtxFileSink(file);
    this.writer = new EvtxFileWriter(this.sink, { crc32: nodeCrc32 });
  }
  write(ev: SimEvent): void {
    this.writer.append(ev);
  }
  close(): void {
    this.writer.close();
    this.sink.close();
  }
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
export function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => XML_ESCAPES[c]);
}

/** Windows' SystemTime form with 7 fractional digits (100 ns ticks). */
export function systemTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** One <Event> as `wevtutil qe /f:xml` prints it (no RenderingInfo). */
export function eventXml(ev: SimEvent): string {
  const provider = [`Name="${escapeXml(ev.provider)}"`];
  if (ev.providerGuid) provider.push(`Guid="${escapeXml(ev.providerGuid)}"`);
  if (ev.eventSourceName) provider.push(`EventSourceName="${escapeXml(ev.eventSourceName)}"`);
  const qualifiers = ev.qualifiers === null || ev.qualifiers === undefined ? '' : ` Qualifiers="${ev.qualifiers}"`;
  const data = ev.data.map((d) => `<Data>${escapeXml(d)}</Data>`).join('');
  const binary = ev.binary && ev.binary.length ? `<Binary>${hexUpper(ev.binary)}</Binary>` : '';
  return (
    `<Event xmlns="${EVENT_NAMESPACE}"><System><Provider ${provider.join(' ')}/>` +
    `<EventID${qualifiers}>${ev.eventId}</EventID><Version>0</Version><Level>${ev.level}</Level><Task>0</Task><Opcode>0</Opcode>` +
    `<Keywords>0x${ev.keywords.toString(16)}</Keywords><TimeCreated SystemTime="${systemTime(ev.time)}"/>` +
    `<EventRecordID>${ev.recordId}</EventRecordID><Correlation/><Execution ProcessID="0" ThreadID="0"/>` +
    `<Channel>${escapeXml(ev.channel)}</Channel><Computer>${escapeXml(ev.computer)}</Computer><Security/></System>` +
    `<EventData>${data}${binary}</EventData></Event>`
  );
}

function hexUpper(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s.toUpperCase();
}

class XmlOutput implements LogOutput {
  private readonly sink: TextFileSink;
  constructor(readonly file: string) {
    this.sink = new TextFileSink(file);
    this.sink.write('<Events>\r\n');
  }
  write(ev: SimEvent): void {
    this.sink.write(eventXml(ev) + '\r\n');
  }
  close(): void {
    this.sink.write('</Events>\r\n');
    this.sink.close();
  }
}

/** Winlogbeat's event document (formats.md §3.1): unnamed Data → param1..N, empty ones left out. */
export function winlogbeatDocument(ev: SimEvent): Record<string, unknown> {
  const eventData: Record<string, string> = {};
  ev.data.forEach((d, i) => {
    if (d !== '') eventData[`param${i + 1}`] = d;
  });
  if (ev.binary && ev.binary.length) eventData.Binary = hexUpper(ev.binary);
  const winlog: Record<string, unknown> = {
    api: 'wineventlog',
    channel: ev.channel,
    computer_name: ev.computer,
    event_data: eventData,
    event_id: String(ev.eventId),
    keywords: ['Classic'],
    provider_name: ev.provider,
    record_id: ev.recordId,
    task: 'None',
  };
  if (ev.providerGuid) winlog.provider_guid = ev.providerGuid.toLowerCase();
  return {
    '@timestamp': new Date(ev.time).toISOString(),
    event: { code: String(ev.eventId), kind: 'event', provider: ev.eventSourceName ?? ev.provider, created: new Date(ev.time).toISOString() },
    host: { name: ev.computer },
    log: { level: 'information' },
    message: ev.message,
    winlog,
  };
}

class WinlogbeatOutput implements LogOutput {
  private readonly sink: TextFileSink;
  constructor(readonly file: string) {
    this.sink = new TextFileSink(file);
  }
  write(ev: SimEvent): void {
    this.sink.write(JSON.stringify(winlogbeatDocument(ev)) + '\n');
  }
  close(): void {
    this.sink.close();
  }
}

const CSV_COLUMNS = ['EventID', 'MachineName', 'Data', 'Index', 'Category', 'CategoryNumber', 'EntryType', 'Message', 'Source', 'ReplacementStrings', 'InstanceId', 'TimeGenerated', 'TimeWritten', 'UserName', 'Site', 'Container'];

const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** `yyyy/MM/dd HH:mm:ss` in UTC: the culture-formatted local time of a host set to UTC. */
export function csvTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** One row as `Get-EventLog | Export-Csv` writes it: ReplacementStrings lost, Message carries the Info line. */
export function exportCsvRow(ev: SimEvent): string {
  const instanceId = (((ev.qualifiers ?? 0) << 16) >>> 0) + ev.eventId;
  const time = csvTime(ev.time);
  return [
    String(ev.eventId),
    ev.computer,
    'System.Byte[]',
    String(ev.recordId),
    '(0)',
    '0',
    'Information',
    ev.message,
    ev.eventSourceName ?? ev.provider,
    'System.String[]',
    String(instanceId),
    time,
    time,
    '',
  ]
    .map(csvField)
    .concat(['', ''])
    .join(',');
}

class ExportCsvOutput implements LogOutput {
  private readonly sink: TextFileSink;
  private started = false;
  constructor(readonly file: string) {
    this.sink = new TextFileSink(file);
  }
  write(ev: SimEvent): void {
    if (!this.started) this.start(ev);
    this.sink.write(exportCsvRow(ev) + '\r\n');
  }
  close(): void {
    if (!this.started) this.sink.write(CSV_COLUMNS.map(csvField).join(',') + '\r\n');
    this.sink.close();
  }
  private start(first: SimEvent): void {
    this.started = true;
    const instanceId = (((first.qualifiers ?? 0) << 16) >>> 0) + first.eventId;
    this.sink.write(`#TYPE System.Diagnostics.EventLogEntry#${first.channel.toLowerCase()}/${first.eventSourceName ?? first.provider}/${instanceId}\r\n`);
    this.sink.write(CSV_COLUMNS.map(csvField).join(',') + '\r\n');
  }
}
