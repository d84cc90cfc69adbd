import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsvSource } from '../../src/sources/csv.js';
import { chunks, collect, fixture, readOptions, SEED_INFO, streamFixture } from './helpers.js';

const SEED_TIME = Date.UTC(2015, 9, 27, 17, 10, 42);

describe('Get-EventLog | Export-Csv', () => {
  it('skips #TYPE, takes the log name from it, maps InstanceId and keeps the multi-line Message', async () => {
    const { events, issues } = await collect(readCsvSource(streamFixture('export-csv-enus.csv', 13), readOptions('exp.csv', { timezone: 'America/New_York' })));
    expect(issues).toEqual([]);
    expect(events).toHaveLength(3);
    // en-US "10/27/2015 1:10:42 PM" in New York: EDT (UTC-4) until 2015-11-01 → 17:10:42Z
    expect(events[0]).toMatchObject({
      eventId: 12290, qualifiers: 16384, recordId: 1001, host: 'kms01.domain.com', provider: 'KmsRequests',
      channel: 'Key Management Service', time: SEED_TIME, data: null,
      origin: { file: 'exp.csv', format: 'csv-export', line: 3, index: 0 },
    });
    expect(events[0].message).toBe(`An activation request has been processed.\r\nInfo:\r\n${SEED_INFO}`);
    // "9/29/2010 5:46:03 PM" EDT → 21:46:03Z; the row starts on line 6 (row 1 spans lines 3-5)
    expect(events[1]).toMatchObject({ recordId: 1002, time: Date.UTC(2010, 8, 29, 21, 46, 3), origin: { line: 6 } });
    expect(events[1].message).toContain('<KMS Client name>');
    // InstanceId 1337 has no high bits → no qualifiers
    expect(events[2]).toMatchObject({ eventId: 1337, recordId: 1003, message: `'; DROP TABLE requests;-- <script>alert("x")</script>` });
    expect(events[2].qualifiers).toBeUndefined();
  });

  it('-UseCulture on de-DE: ";" delimiter, dd.MM.yyyy dates, no #TYPE line', async () => {
    const { events, issues } = await collect(readCsvSource(streamFixture('export-csv-dede.csv'), readOptions('de.csv', { timezone: 'Europe/Berlin', channel: 'Key Management Service' })));
    expect(issues).toEqual([]);
    // "27.10.2015 18:10:42" Berlin: CET (UTC+1) after 2015-10-25 → 17:10:42Z
    expect(events[0]).toMatchObject({ eventId: 12290, recordId: 1101, time: SEED_TIME, channel: 'Key Management Service', origin: { line: 2 } });
    expect(events[0].message).toContain('; Hinweis; mit Semikolon');
    // InstanceId 1073754118 = 0x40003006 → 12294
    expect(events[1]).toMatchObject({ eventId: 12294, qualifiers: 16384, recordId: 1102, time: Date.UTC(2015, 9, 27, 18) });
    expect(events[1].message).toContain('Domäne');
  });

  it('reads the file when PowerShell wrote it as UTF-16LE with a BOM', async () => {
    const text = readFileSync(fixture('export-csv-dede.csv'), 'utf8');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const opts = readOptions('de.csv', { timezone: 'Europe/Berlin' });
    expect(await collect(readCsvSource(chunks(utf16, 7), opts))).toEqual(await collect(readCsvSource(streamFixture('export-csv-dede.csv'), opts)));
  });

  it('bad rows cost themselves only; a quote cut off at the end is reported with its line', async () => {
    const { events, issues } = await collect(readCsvSource(streamFixture('export-csv-bad.csv'), readOptions('bad.csv')));
    expect(events.map((e) => e.recordId)).toEqual([1, 4]);
    expect(events[0].time).toBe(SEED_TIME); // "2015/10/27 17:10:42" read as UTC here
    expect(issues.map((i) => [i.line, i.reason])).toEqual([
      [6, 'bad TimeGenerated "sometime tuesday" (not a known date format)'],
      [9, 'no EventID / InstanceId / Id'],
      [15, expect.stringMatching(/^bad CSV row: Quote Not Closed/)],
    ]);
  });

  it('Get-WinEvent | Export-Csv: Id + Qualifiers, RecordId, LogName, lost Properties', async () => {
    const { events, issues } = await collect(readCsvSource(streamFixture('get-winevent-export.csv'), readOptions('gwe.csv')));
    expect(issues).toEqual([]);
    expect(events[0]).toMatchObject({ eventId: 12290, qualifiers: 16384, recordId: 1201, channel: 'Key Management Service', provider: 'Microsoft-Windows-Security-SPP', time: SEED_TIME, data: null });
  });
});

describe('Event Viewer "Save as CSV"', () => {
  it('has no computer column: --host names the host; the description is the 6th column', async () => {
    const { events, issues } = await collect(readCsvSource(streamFixture('eventviewer.csv'), readOptions('ev.csv', { timezone: 'America/New_York', host: 'kms09' })));
    expect(issues).toEqual([]);
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ eventId: 12290, host: 'kms09', channel: '', provider: 'Microsoft-Windows-Security-SPP', time: SEED_TIME, data: null, origin: { format: 'csv-eventviewer', line: 2 } });
    expect(events[0].recordId).toBeUndefined();
    expect(events[0].message).toContain(`Info:\r\n${SEED_INFO}`);
    expect(events[2]).toMatchObject({ eventId: 1337, message: "'; DROP TABLE requests;-- <script>" });
  });

  it('counts lines across blank CRLF lines and quoted CRLFs; an unquoted description keeps its commas', async () => {
    const text = 'Level,Date and Time,Source,Event ID,Task Category\r\n'
      + '\r\n'
      + 'Information,2015/10/27 17:10:42,SPP,12290,None,"two\r\nlines"\r\n'
      + '\r\n\r\n'
      + 'Information,2015/10/27 17:10:43,SPP,12290,None,a, b, c\r\n'
      + 'Information,not a date,SPP,12290,None,x\r\n';
    const { events, issues } = await collect(readCsvSource(chunks(Buffer.from(text), 4), readOptions('ev.csv')));
    expect(events.map((e) => e.origin.line)).toEqual([3, 7]);
    expect(events[1].message).toBe('a, b, c');
    expect(issues).toMatchObject([{ line: 8, record: 2 }]);
  });

  it('a file with an unknown header is one fatal issue', async () => {
    const { events, issues } = await collect(readCsvSource(chunks(Buffer.from('a,b,c\n1,2,3\n'), 100), readOptions('x.csv')));
    expect(events).toEqual([]);
    expect(issues).toMatchObject([{ fatal: true, line: 1, format: 'unknown' }]);
  });
});
