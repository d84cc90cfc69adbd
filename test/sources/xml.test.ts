import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readXmlSource } from '../../src/sources/xml.js';
import { chunks, collect, fixture, readOptions, SEED_DATA, streamFixture } from './helpers.js';

describe('XML reader: wevtutil /e:Events document', () => {
  it('reads every event with System fields and Data in order', async () => {
    const { events, issues } = await collect(readXmlSource(streamFixture('kms-events-root.xml'), readOptions('root.xml')));
    expect(issues).toEqual([]);
    expect(events.map((e) => e.recordId)).toEqual([101, 102, 103, 104]);
    const [seed, failure, va2, foreign] = events;
    expect(seed).toMatchObject({
      eventId: 12290,
      qualifiers: 16384,
      provider: 'Microsoft-Windows-Security-SPP',
      channel: 'Key Management Service',
      host: 'kms01.domain.com',
      // 2015-10-27T17:10:42.1234567Z → ms truncated to .123
      time: Date.UTC(2015, 9, 27, 17, 10, 42, 123),
      origin: { file: 'root.xml', format: 'xml', line: 6, index: 0 },
    });
    expect(seed.data).toEqual(SEED_DATA);
    // entities decoded: &lt;KMS Client name&gt; → <KMS Client name>
    expect(failure.data?.[3]).toBe('<KMS Client name>');
    expect(failure.data?.[1]).toBe('0xC004F06C');
    expect(failure.message).toContain('Info:\n0xC004F06C,5,<KMS Client name>,');
    expect(failure.time).toBe(Date.UTC(2010, 8, 29, 21, 46, 3));
    expect(failure.origin.line).toBe(7);
    // <Data/> → '' at its position; <Binary> ignored
    expect(va2.data).toEqual(['', '0x0', '25', 'kms03.site5.contoso.com', 'e5c98033-aab6-4d0b-9af9-1d399597dd56',
      '2006/1/14 22:36', '1', '2', '40123', 'cf67834d-db4a-402c-ab1f-2c134f02b700']);
    expect(foreign).toMatchObject({ eventId: 1337, qualifiers: 0, provider: 'Persistence' });
  });

  it('keeps hostile strings verbatim (named and unnamed Data alike)', async () => {
    const { events } = await collect(readXmlSource(streamFixture('kms-events-root.xml'), readOptions('root.xml')));
    expect(events[3].data).toEqual(["'; DROP TABLE requests;--", '<script>alert("x")</script> & "quotes"']);
  });

  it('gives the same result when the bytes arrive 7 at a time', async () => {
    const whole = await collect(readXmlSource(streamFixture('kms-events-root.xml'), readOptions('root.xml')));
    const small = await collect(readXmlSource(streamFixture('kms-events-root.xml', 7), readOptions('root.xml')));
    expect(small).toEqual(whole);
  });

  it('reads UTF-16LE with BOM (PowerShell 5.1 Out-File) and UTF-8 with BOM', async () => {
    const text = readFileSync(fixture('kms-events-root.xml'), 'utf8');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const utf8bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const expected = await collect(readXmlSource(streamFixture('kms-events-root.xml'), readOptions('x')));
    expect(await collect(readXmlSource(chunks(utf16, 5), readOptions('x')))).toEqual(expected);
    expect(await collect(readXmlSource(chunks(utf8bom, 1), readOptions('x')))).toEqual(expected);
  });
});

describe('XML reader: bare <Event> fragments without a root', () => {
  it('reads each fragment, prefixed or default namespace', async () => {
    const { events, issues } = await collect(readXmlSource(streamFixture('kms-fragments.xml'), readOptions('frag.xml')));
    expect(issues).toEqual([]);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ eventId: 12290, recordId: 201, host: 'kms02', time: Date.UTC(2015, 9, 27, 17, 10, 42, 500) });
    expect(events[0].data).toEqual(SEED_DATA);
    expect(events[1]).toMatchObject({ eventId: 12294, qualifiers: 16384, channel: 'Application', recordId: 7, data: ['domain.com'] });
  });
});

describe('XML reader: bad input', () => {
  it('keeps every good event around a malformed one and reports the truncated tail', async () => {
    const { events, issues } = await collect(readXmlSource(streamFixture('kms-truncated.xml'), readOptions('cut.xml')));
    expect(events.map((e) => e.recordId)).toEqual([1, 3]);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toMatchObject({ file: 'cut.xml', format: 'xml', line: 5, record: 1 });
    expect(issues[0].reason).toMatch(/malformed event XML/);
    expect(issues[1]).toMatchObject({ file: 'cut.xml', line: 7, record: 3 });
    expect(issues[1].reason).toMatch(/truncated/);
  });

  it('reports an event cut off by the start of the next one', async () => {
    const xml = '<Event><System><EventID>1</EventID><TimeCreated SystemTime="2020-01-01T00:00:00Z"/>\n'
      + '<Event><System><EventID>2</EventID><TimeCreated SystemTime="2020-01-01T00:00:00Z"/></System></Event>';
    const { events, issues } = await collect(readXmlSource(chunks(Buffer.from(xml), 1000), readOptions('x')));
    expect(events.map((e) => e.eventId)).toEqual([2]);
    expect(issues).toMatchObject([{ line: 1, record: 0 }]);
    expect(events[0].origin).toMatchObject({ line: 2, index: 1 });
  });

  it('an element inside <Data> does not shift positions; its text stays in that Data', async () => {
    const xml = '<Event><System><EventID>12290</EventID><TimeCreated SystemTime="2020-01-01T00:00:00Z"/></System>'
      + '<EventData><Data>a<b>x</b><i/>c</Data><Data>second</Data></EventData></Event>';
    const { events } = await collect(readXmlSource(chunks(Buffer.from(xml), 1000), readOptions('x')));
    expect(events[0].data).toEqual(['axc', 'second']);
  });

  it('reports events without EventID or time', async () => {
    const xml = '<Events><Event><System><EventID/><TimeCreated SystemTime="2020-01-01T00:00:00Z"/></System></Event>'
      + '<Event><System><EventID>5</EventID></System></Event>'
      + '<Event><System><EventID>5</EventID><TimeCreated SystemTime="yesterday"/></System></Event></Events>';
    const { events, issues } = await collect(readXmlSource(chunks(Buffer.from(xml), 1000), readOptions('x')));
    expect(events).toEqual([]);
    expect(issues.map((i) => i.reason)).toEqual([
      'event without <EventID>',
      'event without <TimeCreated SystemTime>',
      'bad TimeCreated SystemTime "yesterday"',
    ]);
  });
});
