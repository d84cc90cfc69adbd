import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/kms/decode.js';
import type { KmsAnomaly, KmsRecord } from '../../src/kms/types.js';
import type { RawEvent } from '../../src/sources/types.js';
import { rawEvent, requestData } from './events.js';

const SEED = '0x0,25,pcname.domain.com,24ecc780-5463-4cfc-bc0c-71744241ee4f,2015/10/27 17:10,0,5,0,2de67392-b7a7-462a-b1ca-108dd189f588';

function asAnomaly(record: KmsRecord | null): KmsAnomaly {
  if (record?.kind !== 'anomaly') throw new Error(`expected an anomaly, got ${JSON.stringify(record)}`);
  return record;
}

function withField(index: number, value: string): string[] {
  const fields = SEED.split(',');
  fields[index] = value;
  return ['', ...fields];
}

describe('anomalies in the Key Management Service log', () => {
  it('event 1337 from an attack tool keeps its raw data, provider and place', () => {
    const shellcode = 'fc4883e4f0e8c0000000415141505251';
    const a = asAnomaly(decodeEvent(rawEvent({ eventId: 1337, provider: 'Persistence', data: [shellcode], recordId: 3 })));
    expect(a).toEqual({
      kind: 'anomaly',
      host: 'kms01.contoso.com',
      channel: 'Key Management Service',
      eventId: 1337,
      recordId: 3,
      time: Date.UTC(2026, 0, 15, 10, 0, 0),
      source: 'logs/kms.xml (xml)',
      reason: 'event 1337 does not belong in the Key Management Service log (expected 12290, 12293 or 12294)',
      provider: 'Persistence',
      raw: JSON.stringify([shellcode]),
    });
  });

  it('a well-formed 12290 written by a foreign provider', () => {
    const a = asAnomaly(decodeEvent(rawEvent({ provider: 'Persistence', data: requestData(SEED) })));
    expect(a.reason).toBe('event 12290 from unexpected provider "Persistence"');
  });

  it.each([
    [['0x0', '25'], '12290 with 2 insertion strings; expected 10 (Info + 9 fields) or 9'],
    [[...requestData(SEED), 'extra'], '12290 with 11 insertion strings; expected 10 (Info + 9 fields) or 9'],
    [[], '12290 with 0 insertion strings; expected 10 (Info + 9 fields) or 9'],
    [['0x0,25,pc'], '12290 with a single insertion string of 3 comma-separated fields; expected 9'],
  ])('wrong field count %#', (data, reason) => {
    const a = asAnomaly(decodeEvent(rawEvent({ data })));
    expect(a.reason).toBe(reason);
    expect(a.raw).toBe(JSON.stringify(data));
  });

  it.each([
    [0, 'zz', 'result "zz" is not a hex HRESULT'],
    [0, '0xGARBAGE', 'result "0xGARBAGE" is not a hex HRESULT'],
    [0, '0', 'result "0" is not a hex HRESULT'],
    [0, '0x123456789', 'result "0x123456789" is not a hex HRESULT'],
    [1, 'twenty-five', 'minimum count "twenty-five" is not a non-negative integer'],
    [3, 'not-a-guid', 'CMID "not-a-guid" is not a GUID'],
    [3, '24ecc780-5463-4cfc-bc0c-71744241ee4', 'CMID "24ecc780-5463-4cfc-bc0c-71744241ee4" is not a GUID'],
    [5, '2', 'VM flag "2" is not 0 or 1'],
    [6, '-1', 'license state "-1" is not a non-negative integer'],
    [7, '1.5', 'minutes left "1.5" is not a non-negative integer'],
    [8, '', 'activation ID "" is not a GUID'],
  ])('field %i = %j', (index, value, problem) => {
    const data = withField(index, value);
    const a = asAnomaly(decodeEvent(rawEvent({ data })));
    expect(a.reason).toBe(`12290 without the documented shape: ${problem}`);
    expect(a.raw).toBe(JSON.stringify(data));
  });

  it('lists every problem of one event', () => {
    const fields = ['zz', '25', 'pc', 'x', '2015/10/27 17:10', '7', '5', '0', 'y'];
    expect(asAnomaly(decodeEvent(rawEvent({ data: fields }))).reason).toBe(
      '12290 without the documented shape: result "zz" is not a hex HRESULT; CMID "x" is not a GUID; VM flag "7" is not 0 or 1; activation ID "y" is not a GUID',
    );
  });

  it('cuts a long value short in the reason but keeps it whole in raw', () => {
    const long = 'A'.repeat(5000);
    const a = asAnomaly(decodeEvent(rawEvent({ data: withField(3, long) })));
    expect(a.reason.length).toBeLessThan(200);
    expect(a.raw).toContain(long);
  });

  it('message-only events without a usable Info line', () => {
    const none = asAnomaly(decodeEvent(rawEvent({ data: null, message: 'An activation request has been processed.' })));
    expect(none.reason).toBe('12290 without insertion strings and without an Info line in its message');
    expect(none.raw).toBe('An activation request has been processed.');
    const short = asAnomaly(decodeEvent(rawEvent({ data: null, message: 'Info:\n0x0,25,pc,x' })));
    expect(short.reason).toBe('12290 message Info line has 4 comma-separated fields; expected 9');
    expect(asAnomaly(decodeEvent(rawEvent({ data: null }))).raw).toBe('');
  });

  it('hostile data in an anomaly is kept verbatim', () => {
    const data = ["'; DROP TABLE anomalies; --", '<script>alert(1)</script>'];
    const a = asAnomaly(decodeEvent(rawEvent({ eventId: 31337, provider: 'KmsRequests', data })));
    expect(JSON.parse(a.raw)).toEqual(data);
  });

  it('never throws and never drops a KMS-channel event, whatever the data', () => {
    const kmsEvent = fc.record({
      eventId: fc.oneof(fc.constantFrom(12290, 12293, 12294, 1337), fc.integer({ min: 0, max: 65535 })),
      provider: fc.option(fc.constantFrom('Microsoft-Windows-Security-SPP', 'KmsRequests', 'Persistence', ''), { nil: undefined }),
      data: fc.option(fc.array(fc.oneof(fc.string(), fc.constantFrom(...SEED.split(','))), { maxLength: 12 }), { nil: null }),
      message: fc.option(fc.string(), { nil: undefined }),
    });
    fc.assert(
      fc.property(kmsEvent, (parts) => {
        const record = decodeEvent(rawEvent(parts as Partial<RawEvent>));
        expect(record).not.toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('a broken RawEvent (non-string data) becomes an anomaly instead of an exception', () => {
    const data: unknown[] = withField(3, '');
    data[4] = 42;
    const broken = rawEvent({ data: data as string[] });
    expect(asAnomaly(decodeEvent(broken)).reason).toMatch(/^decoder failed: /);
  });
});
