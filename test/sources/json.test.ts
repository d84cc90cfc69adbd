import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readJsonSource } from '../../src/sources/json.js';
import { chunks, collect, fixture, readOptions, SEED_DATA, SEED_INFO, streamFixture } from './helpers.js';

const SEED_TIME = Date.UTC(2015, 9, 27, 17, 10, 42);

describe('Winlogbeat NDJSON', () => {
  it('maps winlog.* with event_id as a string and param1..10 in numeric order', async () => {
    const { events, issues } = await collect(readJsonSource(streamFixture('winlogbeat.ndjson'), readOptions('wlb.json')));
    expect(events.map((e) => e.recordId)).toEqual([301, 302, 303, 77]);
    expect(events[0]).toMatchObject({
      eventId: 12290, channel: 'Key Management Service', host: 'kms01.domain.com', provider: 'Microsoft-Windows-Security-SPP',
      time: SEED_TIME + 123, origin: { format: 'winlogbeat', line: 1, index: 0 },
    });
    expect(events[0].data).toEqual(SEED_DATA); // "param10" sorts before "param2" in the file
    expect(events[0].message).toContain(`Info:\n${SEED_INFO}`);
    // the truncated 4th line costs that line only
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'wlb.json', line: 4, record: 3 });
    expect(issues[0].reason).toMatch(/^bad JSON/);
  });

  it('keeps positions when empty params were dropped (param1 and param7 missing → "")', async () => {
    const { events } = await collect(readJsonSource(streamFixture('winlogbeat.ndjson'), readOptions('wlb.json')));
    expect(events[1].data).toEqual(['', '0x0', '25', 'kms03.site5.contoso.com', 'e5c98033-aab6-4d0b-9af9-1d399597dd56',
      '2006/1/14 22:36', '', '2', '40123', 'cf67834d-db4a-402c-ab1f-2c134f02b700']);
  });

  it('keeps hostile strings verbatim', async () => {
    const { events } = await collect(readJsonSource(streamFixture('winlogbeat.ndjson'), readOptions('wlb.json')));
    expect(events[2]).toMatchObject({ eventId: 1337, provider: 'Persistence', data: ["'; DROP TABLE requests;--", '<script>alert(1)</script>'] });
  });

  it('reads the pre-ECS 6.x layout (top-level event_data, record_number as a string)', async () => {
    const { events } = await collect(readJsonSource(streamFixture('winlogbeat.ndjson'), readOptions('wlb.json')));
    expect(events[3]).toMatchObject({ eventId: 12294, channel: 'Application', host: 'kms01.domain.com', data: ['domain.com'], time: Date.UTC(2015, 9, 28, 9) });
  });
});

describe('Fluent Bit JSON', () => {
  it('winevtlog: TimeCreated local with +ZZZZ, StringInserts 0-based, Qualifiers kept', async () => {
    const { events, issues } = await collect(readJsonSource(streamFixture('fluentbit.ndjson'), readOptions('fb.json', { timezone: 'America/New_York' })));
    expect(issues).toEqual([]);
    // "2015-10-27 18:10:42 +0100" → 17:10:42Z (the zone option does not apply: the offset is written)
    expect(events[0]).toMatchObject({ eventId: 12290, qualifiers: 16384, recordId: 401, host: 'kms01.domain.com', time: SEED_TIME, origin: { format: 'fluentbit' } });
    expect(events[0].data).toEqual(SEED_DATA);
  });

  it('legacy winlog keys; typed inserts (ints) become text', async () => {
    const { events } = await collect(readJsonSource(streamFixture('fluentbit.ndjson'), readOptions('fb.json')));
    // "2010-09-29 14:46:03 -0700" → 21:46:03Z
    expect(events[1]).toMatchObject({ eventId: 12290, qualifiers: 16384, recordId: 402, provider: 'KmsRequests', time: Date.UTC(2010, 8, 29, 21, 46, 3) });
    expect(events[1].data?.slice(1)).toEqual(['0xC004F06C', '5', '<KMS Client name>', '36f27b39-2fd5-440b-be67-a09996d27a38', '2010/9/29 21:46', '0', '2', '41520', '68531fb9-5511-4989-97be-d11a0f55633f']);
  });

  it('without StringInserts the data is null and the Message kept', async () => {
    const { events } = await collect(readJsonSource(streamFixture('fluentbit.ndjson'), readOptions('fb.json')));
    expect(events[2].data).toBeNull();
    expect(events[2].message).toContain(SEED_INFO);
  });

  it('reads out_file lines "tag: [time, {record}]"', async () => {
    const { events } = await collect(readJsonSource(streamFixture('fluentbit.ndjson'), readOptions('fb.json')));
    expect(events[3]).toMatchObject({ eventId: 12294, recordId: 88, channel: 'Application', data: ['domain.com'], time: Date.UTC(2015, 9, 27, 18) });
  });
});

describe('NXLog JSON', () => {
  it('EventTime without a zone is local to --timezone; big Keywords do not matter', async () => {
    const { events, issues } = await collect(readJsonSource(streamFixture('nxlog.ndjson'), readOptions('nx.json', { timezone: 'Europe/Berlin' })));
    // 2015-10-27 18:10:42 Berlin: summer time ended 2015-10-25, so CET = UTC+1 → 17:10:42Z
    expect(events[0]).toMatchObject({ eventId: 12290, recordId: 7613465324, host: 'kms01.domain.com', time: SEED_TIME, origin: { format: 'nxlog' } });
    expect(events[0].data).toEqual(SEED_DATA);
    // ISO with +02:00 honoured: 19:10:42.169332+02:00 → 17:10:42.169Z; no Data array → null
    expect(events[1]).toMatchObject({ recordId: 502, time: SEED_TIME + 169, data: null });
    expect(issues).toMatchObject([{ line: 3, record: 2, format: 'nxlog', reason: 'bad EventID "twelve"' }]);
  });
});

describe('OpenWEC JSON', () => {
  it('json format: System.*, EventData.Data; raw_json: the XML in "data"', async () => {
    const { events, issues } = await collect(readJsonSource(streamFixture('openwec.ndjson'), readOptions('owec.json')));
    expect(issues).toEqual([]);
    expect(events[0]).toMatchObject({ eventId: 12290, qualifiers: 16384, recordId: 601, provider: 'Microsoft-Windows-Security-SPP', time: SEED_TIME + 123, origin: { format: 'openwec' } });
    expect(events[0].data).toEqual(SEED_DATA);
    expect(events[0].message).toBe('An activation request has been processed.');
    expect(events[1]).toMatchObject({ eventId: 12294, qualifiers: 16384, recordId: 602, channel: 'Application', data: ['domain.com'], origin: { format: 'openwec', line: 2 } });
  });
});

describe('PowerShell JSON', () => {
  it('Get-WinEvent | ConvertTo-Json (PS 5.1): lost Properties → data null, Message kept, \\/Date(ms)\\/', async () => {
    const { events, issues } = await collect(readJsonSource(streamFixture('psjson-lost.json', 16), readOptions('ps.json')));
    expect(issues).toEqual([]);
    expect(events).toHaveLength(2);
    // \/Date(1445965842123)\/ = 2015-10-27T17:10:42.123Z
    expect(events[0]).toMatchObject({ eventId: 12290, qualifiers: 16384, recordId: 701, channel: 'Key Management Service', host: 'kms01.domain.com', time: SEED_TIME + 123, data: null, origin: { format: 'psjson', line: 2, index: 0 } });
    expect(events[0].message).toBe(`An activation request has been processed.\r\nInfo:\r\n${SEED_INFO}`);
    // empty Properties array: no values were lost, there were none
    expect(events[1]).toMatchObject({ eventId: 1337, data: [], message: "'; DROP TABLE requests;-- <script>", time: Date.UTC(2015, 9, 28, 8) });
  });

  it('the documented select with Data: PS 7 ISO dates, a scalar Data, objects one after the other', async () => {
    const { events, issues } = await collect(readJsonSource(streamFixture('psjson-select.json'), readOptions('sel.json', { timezone: 'Europe/Berlin' })));
    expect(issues).toEqual([]);
    expect(events[0]).toMatchObject({ recordId: 801, time: SEED_TIME + 123, data: SEED_DATA, origin: { line: 1 } });
    // "2015-10-27T18:00:00" has no offset → Berlin local (CET, +1) → 17:00Z
    expect(events[1]).toMatchObject({ eventId: 12294, recordId: 802, data: ['domain.com'], time: Date.UTC(2015, 9, 27, 17), origin: { line: 19 } });
  });

  it('Properties [{Value}] at depth 3, and Get-EventLog objects with InstanceId and ReplacementStrings', async () => {
    const { events, issues } = await collect(readJsonSource(streamFixture('psjson-properties.json'), readOptions('props.json')));
    expect(issues).toEqual([]);
    expect(events[0]).toMatchObject({ eventId: 12290, qualifiers: 16384, recordId: 901, data: SEED_DATA, time: SEED_TIME });
    // InstanceId 1073754114 = 0x40003002 → 12290, qualifiers 0x4000 = 16384; Data (binary) ignored
    expect(events[1]).toMatchObject({ eventId: 12290, qualifiers: 16384, recordId: 902, provider: 'KmsRequests', time: Date.UTC(2006, 0, 14, 22, 36, 10) });
    expect(events[1].data?.[3]).toBe('kms03.site5.contoso.com');
    expect(events[1].data).toHaveLength(10);
  });

  it('reads the UTF-16LE (BOM) file PowerShell 5.1 writes with Out-File', async () => {
    const text = readFileSync(fixture('psjson-lost.json'), 'utf8');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const expected = await collect(readJsonSource(streamFixture('psjson-lost.json'), readOptions('x')));
    expect(await collect(readJsonSource(chunks(utf16, 3), readOptions('x')))).toEqual(expected);
  });
});

describe('JSON splitting and bad input', () => {
  const read = (text: string, size = 5) => collect(readJsonSource(chunks(Buffer.from(text), size), readOptions('x.json')));
  const rec = (id: number) => ({ RecordId: id, Id: 1, MachineName: 'h', TimeCreated: '2020-01-01T00:00:00Z', Message: 'a "}] {[" \\ b' });

  it('a compressed one-line array and a pretty array give the same events', async () => {
    const arr = [rec(1), rec(2), rec(3)];
    const compact = await read(JSON.stringify(arr));
    const pretty = await read(JSON.stringify(arr, null, 2));
    expect(compact.events.map((e) => e.recordId)).toEqual([1, 2, 3]);
    expect(pretty.events.map((e) => e.recordId)).toEqual([1, 2, 3]);
    expect(pretty.events[2].message).toBe('a "}] {[" \\ b');
  });

  it('a truncated array keeps the complete elements and reports the cut one', async () => {
    const text = JSON.stringify([rec(1), rec(2), rec(3)], null, 2);
    const cut = text.slice(0, text.lastIndexOf('"Message"'));
    const { events, issues } = await read(cut);
    expect(events.map((e) => e.recordId)).toEqual([1, 2]);
    expect(issues).toHaveLength(1);
    expect(issues[0].reason).toMatch(/truncated/);
  });

  it('a record of no known shape and a non-object are issues, not fatal', async () => {
    const { events, issues } = await read('{"hello":"world"}\n42\n' + JSON.stringify(rec(9)) + '\n');
    expect(events.map((e) => e.recordId)).toEqual([9]);
    expect(issues.map((i) => [i.line, i.reason])).toEqual([
      [1, 'JSON record of no known shape (Winlogbeat, Fluent Bit, NXLog, OpenWEC, PowerShell)'],
      [2, 'JSON value is not an object'],
    ]);
  });

  it('keys like __proto__ are plain data', async () => {
    const { events } = await read('{"__proto__":{"polluted":1},"RecordId":5,"Id":1,"MachineName":"h","TimeCreated":"2020-01-01T00:00:00Z"}\n');
    expect(events).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
