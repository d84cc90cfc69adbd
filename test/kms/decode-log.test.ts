import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/kms/decode.js';
import { rawEvent, requestData } from './events.js';

/*
 * Exports without a log name (Get-EventLog | ConvertTo-Json, Event Viewer saves) leave the channel
 * empty; the event says which log it belongs to (kms-events.md §1-§2: 12290 is written to "Key
 * Management Service", 12291/12293/12294 to "Application"), and the log is part of its identity.
 */
const INFO = '0x0,25,pcname.domain.com,24ecc780-5463-4cfc-bc0c-71744241ee4f,2015/10/27 17:10,0,5,0,2de67392-b7a7-462a-b1ca-108dd189f588';

describe('the log of an event from an export without one', () => {
  it('is the Key Management Service log for a 12290 (Get-EventLog | ConvertTo-Json, source KmsRequests)', () => {
    const r = decodeEvent(rawEvent({ channel: '', provider: 'KmsRequests', data: requestData(INFO), origin: { file: 'kms.json', format: 'psjson' } }));
    expect(r).toMatchObject({ kind: 'request', channel: 'Key Management Service' });
  });

  it('is the Key Management Service log for a malformed 12290 kept as an anomaly', () => {
    const r = decodeEvent(rawEvent({ channel: '', provider: undefined, data: ['not', 'a', 'request'] }));
    expect(r).toMatchObject({ kind: 'anomaly', channel: 'Key Management Service' });
  });

  it('is the Application log for the host events 12291, 12293 and 12294', () => {
    for (const [eventId, data] of [[12291, ['0xC004F074']], [12293, ['0x8007232B', 'corp.contoso.com']], [12294, ['corp.contoso.com']]] as const) {
      const r = decodeEvent(rawEvent({ eventId, channel: '', provider: 'Software Protection Platform Service', data: [...data] }));
      expect(r, String(eventId)).toMatchObject({ kind: 'host', channel: 'Application' });
    }
  });

  it('is spelled one way when the export wrote it in another case (Export-Csv #TYPE line)', () => {
    expect(decodeEvent(rawEvent({ channel: 'key management service', data: requestData(INFO) }))).toMatchObject({ channel: 'Key Management Service' });
  });

  it('keeps a log name the export wrote, and the zone the time was read in', () => {
    const r = decodeEvent(rawEvent({ channel: 'ForwardedEvents', data: requestData(INFO), timeZone: 'Europe/Berlin' }));
    expect(r).toMatchObject({ kind: 'request', channel: 'ForwardedEvents', timeZone: 'Europe/Berlin' });
  });
});
