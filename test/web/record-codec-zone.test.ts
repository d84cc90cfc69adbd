/**
 * The zone a body's wall-clock times were read in reaches the store through the ingest worker's
 * record codec (KmsRecord.timeZone): the store keeps it per file (docs/definitions.md "coverage")
 * and needs it to tell a body read in the wrong zone ("shifted copy").
 */
import { describe, expect, it } from 'vitest';
import { decodeBody, encodeBody } from '../../src/web/ingest/record-codec.js';
import { parseBody } from '../../src/web/ingest/parse-body.js';

// NXLog im_msvistalog to_json(): EventTime is local time without an offset (fixture nxlog.ndjson)
const NXLOG = JSON.stringify({
  EventTime: '2026-02-02 09:15:42', Hostname: 'KMS01.corp.contoso.com', EventType: 'INFO', EventID: 12290, SourceName: 'Microsoft-Windows-Security-SPP',
  RecordNumber: 1201, Channel: 'Key Management Service',
  Data: ['0x0,25,PC01,4b3c0a3e-6b2f-4c1d-9e0a-1f2d3c4b5a61,2026/2/2 8:15,0,2,43200,73111121-5638-40f6-bc11-f1d7b0d64300', '0x0', '25', 'PC01', '4b3c0a3e-6b2f-4c1d-9e0a-1f2d3c4b5a61', '2026/2/2 8:15', '0', '2', '43200', '73111121-5638-40f6-bc11-f1d7b0d64300'],
  SourceModuleType: 'im_msvistalog',
});

describe('the record codec', () => {
  it('keeps the zone of requests whose times were read as wall-clock times, and no zone where there was none', async () => {
    const parsed = await parseBody(new TextEncoder().encode(NXLOG), { file: 'http', timezone: 'Europe/Berlin' });
    // 09:15:42 in Berlin in February (+01:00) is 08:15:42Z
    expect(parsed.records.map((r) => [r.kind, r.time, r.timeZone])).toEqual([['request', Date.UTC(2026, 1, 2, 8, 15, 42), 'Europe/Berlin']]);
    const { message, transfer } = encodeBody(parsed);
    const back = decodeBody(structuredClone(message, { transfer }));
    expect(back.records).toEqual(parsed.records);

    const utc = await parseBody(new TextEncoder().encode(NXLOG.replace('"2026-02-02 09:15:42"', '"2026-02-02T08:15:42Z"')), { file: 'http', timezone: 'Europe/Berlin' });
    const again = encodeBody(utc);
    expect(decodeBody(structuredClone(again.message, { transfer: again.transfer })).records[0].timeZone).toBeUndefined();
  });
});
