import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/sources/detect.js';
import { corpusDir } from '../helpers/paths.js';
import { fixture } from './helpers.js';

const utf16 = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf8bom = (text: string): Buffer => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);

describe('detectFormat', () => {
  it.each([
    ['kms-events-root.xml', 'xml'],
    ['kms-fragments.xml', 'xml'],
    ['kms-truncated.xml', 'xml'],
    ['winlogbeat.ndjson', 'winlogbeat'],
    ['fluentbit.ndjson', 'fluentbit'],
    ['nxlog.ndjson', 'nxlog'],
    ['openwec.ndjson', 'openwec'],
    ['psjson-lost.json', 'psjson'],
    ['psjson-select.json', 'psjson'],
    ['psjson-properties.json', 'psjson'],
    ['export-csv-enus.csv', 'csv-export'],
    ['export-csv-dede.csv', 'csv-export'],
    ['get-winevent-export.csv', 'csv-export'],
    ['eventviewer.csv', 'csv-eventviewer'],
  ])('%s → %s, also as UTF-16LE and UTF-8 with BOM, whatever the file is called', (name, expected) => {
    const bytes = readFileSync(fixture(name));
    expect(detectFormat(bytes, name)).toBe(expected);
    expect(detectFormat(utf16(bytes.toString('utf8')), 'export.txt')).toBe(expected);
    expect(detectFormat(utf8bom(bytes.toString('utf8')), 'export.txt')).toBe(expected);
  });

  it('reads the EVTX magic of the real corpus files', () => {
    const evtx = readdirSync(corpusDir).filter((f) => f.endsWith('.evtx')).slice(0, 3);
    expect(evtx.length).toBeGreaterThan(0);
    for (const f of evtx) expect(detectFormat(readFileSync(path.join(corpusDir, f)).subarray(0, 65536), 'renamed.json')).toBe('evtx');
  });

  it('knows XML by its <Event> elements, with leading white space', () => {
    expect(detectFormat(Buffer.from('\r\n  <?xml version="1.0"?><Events></Events>'), 'x')).toBe('xml');
    expect(detectFormat(Buffer.from('<html><body>no events</body></html>'), 'x.xml')).toBeNull();
  });

  it('Event Viewer CSV in German', () => {
    expect(detectFormat(Buffer.from('Ebene,Datum und Uhrzeit,Quelle,Ereignis-ID,Aufgabenkategorie\r\n'), 'x.csv')).toBe('csv-eventviewer');
  });

  it('a first record larger than the head is recognised by its keys', () => {
    const big = `{"winlog":{"event_id":"12290","event_data":{"param1":"${'x'.repeat(70000)}"}}}`;
    expect(detectFormat(Buffer.from(big).subarray(0, 65536), 'x.json')).toBe('winlogbeat');
  });

  it('Fluent Bit out_file lines "tag: [time, {record}]"', () => {
    const line = 'winevtlog.0: [1445965842.5, {"EventID":12294,"TimeCreated":"2015-10-27 19:00:00 +0100","EventRecordID":88,"Computer":"kms01","StringInserts":["domain.com"]}]\n';
    expect(detectFormat(Buffer.from(line), 'fluent.log')).toBe('fluentbit');
  });

  it('unknown content → null', () => {
    expect(detectFormat(Buffer.from('hello world\nthis is not an export\n'), 'kms.evtx')).toBeNull();
    expect(detectFormat(Buffer.from('{"foo":1}\n'), 'winlogbeat.json')).toBeNull();
    expect(detectFormat(Buffer.from('a,b,c\n1,2,3\n'), 'export.csv')).toBeNull();
    expect(detectFormat(Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff]), 'x')).toBeNull();
  });
});
