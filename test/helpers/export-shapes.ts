/**
 * The same KMS host events written in every export shape the README's input table lists, for tests
 * that ingest them all into one store. Each shape follows its fixture in test/fixtures/sources
 * (README there); EVTX, the wevtutil XML and Winlogbeat come from the simulator's own writers
 * (src/simulate/outputs). Local wall-clock times are formatted with Intl (not with kmswatch's time
 * code), in the zone the host runs in.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { dnsPublishFailedEvent, dnsPublishOkEvent, requestEvent, type SimEvent } from '../../src/simulate/events.js';
import { eventXml, openOutput, winlogbeatDocument } from '../../src/simulate/outputs/formats.js';
import { wevtutilTextBlocks } from './wevtutil-text.js';

export interface ShapeHost {
  /** The computer name as Windows writes it into events (FQDN). */
  fqdn: string;
  /** The zone the host's clock runs in (what its local-time exports are written in). */
  zone: string;
  events: SimEvent[];
}

/** One file written: which shape, which host, and what ingest needs for it. */
export interface ShapeFile {
  shape: string;
  file: string;
  host: ShapeHost;
  /** Its times are wall-clock times without an offset: ingest with --timezone host.zone. */
  local: boolean;
  /** It names no computer: ingest with --host (the short name). */
  hostless: boolean;
  /** How many events it holds. */
  events: number;
}

const KMS = 'Key Management Service';

/** Wall-clock fields of `ms` in `zone` (Intl), milliseconds included. */
function wall(ms: number, zone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(ms));
  const f = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { y: f('year'), mo: f('month'), d: f('day'), h: f('hour'), mi: f('minute'), s: f('second'), ms: ((ms % 1000) + 1000) % 1000 };
}

const p2 = (n: number) => String(n).padStart(2, '0');
const p3 = (n: number) => String(n).padStart(3, '0');

/** en-US `M/d/yyyy h:mm:ss AM` (Export-Csv and Event Viewer on an en-US host). */
export function enUsTime(ms: number, zone: string): string {
  const w = wall(ms, zone);
  const h12 = w.h % 12 === 0 ? 12 : w.h % 12;
  return `${w.mo}/${w.d}/${w.y} ${h12}:${p2(w.mi)}:${p2(w.s)} ${w.h < 12 ? 'AM' : 'PM'}`;
}

/** de-DE `dd.MM.yyyy HH:mm:ss`. */
export function deDeTime(ms: number, zone: string): string {
  const w = wall(ms, zone);
  return `${p2(w.d)}.${p2(w.mo)}.${w.y} ${p2(w.h)}:${p2(w.mi)}:${p2(w.s)}`;
}

/** ISO wall time without offset, `yyyy-MM-ddTHH:mm:ss.fff` (wevtutil /f:text on older Windows). */
export function isoLocal(ms: number, zone: string, sep = 'T', fraction = true): string {
  const w = wall(ms, zone);
  return `${w.y}-${p2(w.mo)}-${p2(w.d)}${sep}${p2(w.h)}:${p2(w.mi)}:${p2(w.s)}${fraction ? `.${p3(w.ms)}` : ''}`;
}

/** The zone's offset at `ms` as `+01:00` (from Intl's wall clock). */
function offsetText(ms: number, zone: string, colon = true): string {
  const w = wall(ms, zone);
  const minutes = Math.round((Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s, w.ms) - ms) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${p2(Math.floor(a / 60))}${colon ? ':' : ''}${p2(a % 60)}`;
}

const shortName = (fqdn: string) => fqdn.split('.')[0];
const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;
const kmsOf = (h: ShapeHost) => h.events.filter((e) => e.channel === KMS);
const appOf = (h: ShapeHost) => h.events.filter((e) => e.channel !== KMS);
const newestFirst = (events: SimEvent[]) => [...events].sort((a, b) => b.time - a.time);
const instanceId = (e: SimEvent) => (((e.qualifiers ?? 0) << 16) >>> 0) + e.eventId;

function write(file: string, text: string): string {
  writeFileSync(file, text);
  return file;
}

/** Writes every shape of every host's events under `dir`. */
export function writeEveryShape(dir: string, hosts: readonly ShapeHost[]): ShapeFile[] {
  const out: ShapeFile[] = [];
  for (const host of hosts) {
    const name = (shape: string, ext: string) => path.join(dir, `${shortName(host.fqdn)}-${shape}.${ext}`);
    let count = 0;
    const add = (shape: string, file: string, local = false, hostless = false) => out.push({ shape, file, host, local, hostless, events: count });
    const kms = kmsOf(host);
    const app = appOf(host);

    // wevtutil epl: EVTX, one file per log
    for (const [log, events] of [['kms', kms], ['app', app]] as const) {
      const evtx = openOutput('evtx', name(`evtx-${log}`, 'evtx'));
      for (const e of events) evtx.write(e);
      evtx.close();
      count = events.length;
      add('evtx', evtx.file);
    }
    // wevtutil qe /f:xml /e:Events, and without /e: (bare <Event> fragments)
    count = host.events.length;
    const xml = openOutput('xml', name('xml-events', 'xml'));
    for (const e of host.events) xml.write(e);
    xml.close();
    add('xml /e:Events', xml.file);
    add('xml fragments', write(name('xml-fragments', 'xml'), host.events.map((e) => eventXml(e)).join('\r\n') + '\r\n'));

    // Get-WinEvent | Select-Object RecordId,TimeCreated,MachineName,Id,Data | ConvertTo-Json (PS 7: ISO with offset)
    const select = host.events.map((e) => ({
      RecordId: e.recordId,
      TimeCreated: `${isoLocal(e.time, host.zone)}${offsetText(e.time, host.zone)}`,
      MachineName: e.computer,
      Id: e.eventId,
      Data: e.data.length === 1 ? e.data[0] : e.data,
    }));
    add('Get-WinEvent ConvertTo-Json', write(name('winevent', 'json'), JSON.stringify(select, null, 2)));

    // Get-EventLog | ConvertTo-Json (PS 5.1): no log name; \/Date(ms)\/; newest first
    const eventLog = newestFirst(host.events).map((e) => ({
      EventID: e.eventId,
      MachineName: e.computer,
      Data: [],
      Index: e.recordId,
      Category: '(0)',
      CategoryNumber: 0,
      EntryType: 4,
      Message: e.message,
      Source: e.eventSourceName ?? e.provider,
      ReplacementStrings: e.data,
      InstanceId: instanceId(e),
      TimeGenerated: `/Date(${e.time - (e.time % 1000)})/`,
      TimeWritten: `/Date(${e.time - (e.time % 1000)})/`,
      UserName: null,
      Site: null,
      Container: null,
    }));
    add('Get-EventLog ConvertTo-Json', write(name('eventlog', 'json'), JSON.stringify(eventLog, null, 4).replace(/\/Date/g, '\\/Date').replace(/\)\//g, ')\\/')));

    // Get-EventLog -LogName <log> | Export-Csv: #TYPE line naming the log, newest first, local en-US times
    for (const [log, events] of [['kms', kms], ['app', app]] as const) {
      if (events.length === 0) continue;
      count = events.length;
      const first = events[0];
      const header = ['EventID', 'MachineName', 'Data', 'Index', 'Category', 'CategoryNumber', 'EntryType', 'Message', 'Source', 'ReplacementStrings', 'InstanceId', 'TimeGenerated', 'TimeWritten', 'UserName', 'Site', 'Container'];
      const rows = newestFirst(events).map((e) => {
        const t = enUsTime(e.time, host.zone);
        return [String(e.eventId), e.computer, 'System.Byte[]', String(e.recordId), '(0)', '0', 'Information', e.message, e.eventSourceName ?? e.provider, 'System.String[]', String(instanceId(e)), t, t]
          .map(csvField).concat(['', '', '']).join(',');
      });
      const type = `#TYPE System.Diagnostics.EventLogEntry#${first.channel}/${first.eventSourceName ?? first.provider}/${instanceId(first)}`;
      add('Get-EventLog Export-Csv', write(name(`export-${log}`, 'csv'), [type, header.map(csvField).join(','), ...rows].join('\r\n') + '\r\n'), true);
    }

    // wevtutil qe <log> /f:text > x.txt from Windows PowerShell 5.1: UTF-16LE with BOM, both logs appended
    const text = [kms, app].map((events) => wevtutilTextBlocks(events, (e) => isoLocal(e.time, host.zone))).join('\r\n');
    writeFileSync(name('wevtutil-text', 'txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    count = host.events.length;
    add('wevtutil /f:text', name('wevtutil-text', 'txt'), true);

    // Event Viewer "Save All Events As…": CSV (en-US) and Text (tab, de-DE); newest first, no computer
    for (const [log, events] of [['kms', kms], ['app', app]] as const) {
      count = events.length;
      const csv = ['Level,Date and Time,Source,Event ID,Task Category', ...newestFirst(events).map((e) => `Information,${enUsTime(e.time, host.zone)},${e.provider},${e.eventId},None,${csvField(e.message)}`)];
      add('Event Viewer CSV', write(name(`eventviewer-${log}`, 'csv'), csv.join('\r\n') + '\r\n'), true, true);
      const tab = ['Level\tDate and Time\tSource\tEvent ID\tTask Category', ...newestFirst(events).map((e) => `Information\t${deDeTime(e.time, host.zone)}\t${e.provider}\t${e.eventId}\tNone\t${csvField(e.message)}`)];
      add('Event Viewer TXT', write(name(`eventviewer-${log}`, 'txt'), tab.join('\r\n') + '\r\n'), true, true);
    }

    count = host.events.length;
    // Winlogbeat (file output)
    add('Winlogbeat', write(name('winlogbeat', 'ndjson'), host.events.map((e) => JSON.stringify(winlogbeatDocument(e))).join('\n') + '\n'));

    // Fluent Bit winevtlog: TimeCreated with the host's offset as ` +0100`
    const fluent = host.events.map((e) => JSON.stringify({
      ProviderName: e.provider, ProviderGuid: e.providerGuid, Qualifiers: e.qualifiers, EventID: e.eventId, Version: 0, Level: 4, Task: 0, Opcode: 0,
      Keywords: '0x80000000000000', TimeCreated: `${isoLocal(e.time, host.zone, ' ', false)} ${offsetText(e.time, host.zone, false)}`, EventRecordID: e.recordId,
      Channel: e.channel, Computer: e.computer, Message: e.message.replace(/\r?\n/g, '\r\n'), StringInserts: e.data,
    }));
    add('Fluent Bit', write(name('fluentbit', 'ndjson'), fluent.join('\n') + '\n'));

    // NXLog im_msvistalog to_json(): EventTime local without offset
    const nx = host.events.map((e) => JSON.stringify({
      EventTime: isoLocal(e.time, host.zone, ' ', false), Hostname: e.computer, EventType: 'INFO', EventID: e.eventId, SourceName: e.provider,
      RecordNumber: e.recordId, Channel: e.channel, Data: e.data, EventReceivedTime: isoLocal(e.time + 60_000, host.zone, ' ', false),
      SourceModuleName: 'eventlog', SourceModuleType: 'im_msvistalog',
    }));
    add('NXLog', write(name('nxlog', 'ndjson'), nx.join('\n') + '\n'), true);

    // OpenWEC json
    const wec = host.events.map((e) => JSON.stringify({
      System: {
        Provider: { Name: e.provider, Guid: e.providerGuid, EventSourceName: e.eventSourceName }, EventID: e.eventId, EventIDQualifiers: e.qualifiers,
        Version: 0, Level: 4, Task: 0, Opcode: 0, Keywords: '0x80000000000000', TimeCreated: new Date(e.time).toISOString().replace('Z', '0000Z'),
        EventRecordID: e.recordId, Correlation: {}, Execution: { ProcessID: 4, ThreadID: 196 }, Channel: e.channel, Computer: e.computer,
      },
      EventData: { Data: e.data },
      OpenWEC: { IpAddress: '192.0.2.10', TimeReceived: new Date(e.time + 1000).toISOString(), Subscription: { Name: 'kms', Uri: '/kms' } },
    }));
    add('OpenWEC', write(name('openwec', 'ndjson'), wec.join('\n') + '\n'));
  }
  return out;
}

/**
 * A host's log: `requests` requests one per `spacingMs` from `t0` (record ids from `firstRecord`,
 * a few milliseconds past the second, as the event log writes them), then a DNS publishing failure
 * and a success in the Application log.
 */
export function hostLog(fqdn: string, zone: string, t0: number, opts: { requests?: number; spacingMs?: number; firstRecord?: number; clientBase?: number } = {}): ShapeHost {
  const n = opts.requests ?? 6;
  const spacing = opts.spacingMs ?? 7 * 3_600_000 + 13 * 60_000 + 17_000;
  const first = opts.firstRecord ?? 2001;
  const base = opts.clientBase ?? 0;
  const events: SimEvent[] = [];
  for (let i = 0; i < n; i++) {
    const time = t0 + i * spacing + 123 + i;
    const client = base + i + 1;
    events.push(requestEvent(fqdn, time, first + i, {
      result: i === 3 ? 0xc004f042 : 0,
      minimumCount: i % 3 === 2 ? 5 : 25,
      machine: `PC${String(client).padStart(2, '0')}.corp.contoso.com`,
      cmid: `${String(client).padStart(8, '0')}-6b2f-4c1d-9e0a-1f2d3c4b5a61`,
      clientTime: time - 40_000,
      isVm: i % 2 === 1,
      licenseState: 2,
      minutesLeft: 43200 - i,
      activationId: i % 3 === 2 ? 'fbdb3e18-a8ef-4fb3-9183-dffd60bd0984' : '2de67392-b7a7-462a-b1ca-108dd189f588',
    }));
  }
  const end = t0 + n * spacing;
  events.push(dnsPublishFailedEvent(fqdn, end + 1_000, 88001, 0x8007232b, 'corp.contoso.com'));
  events.push(dnsPublishOkEvent(fqdn, end + 3_600_000 + 2_000, 88002, 'corp.contoso.com'));
  return { fqdn, zone, events };
}
