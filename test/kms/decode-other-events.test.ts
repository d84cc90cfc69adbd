import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/kms/decode.js';
import type { KmsClientEvent, KmsHostEvent, KmsRecord } from '../../src/kms/types.js';
import type { RawEvent } from '../../src/sources/types.js';
import { rawEvent, requestData } from './events.js';

const SPP = 'Microsoft-Windows-Security-SPP';
const SEED = '0x0,25,pcname.domain.com,24ecc780-5463-4cfc-bc0c-71744241ee4f,2015/10/27 17:10,0,5,0,2de67392-b7a7-462a-b1ca-108dd189f588';

function app(overrides: Partial<RawEvent>): RawEvent {
  return rawEvent({ channel: 'Application', provider: SPP, ...overrides });
}

function asHost(record: KmsRecord | null): KmsHostEvent {
  if (record?.kind !== 'host') throw new Error(`expected a host event, got ${JSON.stringify(record)}`);
  return record;
}

function asClient(record: KmsRecord | null): KmsClientEvent {
  if (record?.kind !== 'client') throw new Error(`expected a client event, got ${JSON.stringify(record)}`);
  return record;
}

describe('client events (kms-events.md §2.3)', () => {
  // MS-F074: the client's 12288 for the same attempt as the host's 12290 sample.
  const info12288 = '0xC004F06C, 0x00000000, <KMS Host FQDN>:1688, 36f27b39-2fd5-440b-be67-a09996d27a38, 2010/09/29 17:52, 0, 2, 41760, 68531fb9-5511-4989-97be-d11a0f55633f, 5';
  const host12290 = '0xC004F06C,5,<KMS Client name>,36f27b39-2fd5-440b-be67-a09996d27a38,2010/9/29 21:46,0,2,41520,68531fb9-5511-4989-97be-d11a0f55633f';

  it('12288 of the MS-F074 pair: every field named', () => {
    const c = asClient(decodeEvent(app({ eventId: 12288, host: 'client01', data: [info12288] })));
    expect(c).toMatchObject({ kind: 'client', eventId: 12288, host: 'client01', channel: 'Application', result: 0xc004f06c, resultHex: '0xC004F06C' });
    expect(c.fields).toEqual({
      result: '0xC004F06C',
      statusFlags: '0x00000000',
      kmsHost: '<KMS Host FQDN>:1688',
      cmid: '36f27b39-2fd5-440b-be67-a09996d27a38',
      clientTime: '2010/09/29 17:52',
      vmInfo: '0',
      licenseState: '2',
      minutesLeft: '41760',
      activationId: '68531fb9-5511-4989-97be-d11a0f55633f',
      minimumCount: '5',
    });
  });

  it('the pair shares CMID, activation ID and result', () => {
    const c = asClient(decodeEvent(app({ eventId: 12288, data: [info12288] })));
    const h = decodeEvent(rawEvent({ data: requestData(host12290) }));
    if (h?.kind !== 'request') throw new Error('expected a request');
    expect(c.fields.cmid).toBe(h.cmid);
    expect(c.fields.activationId).toBe(h.activationId);
    expect(c.result).toBe(h.result);
    expect(Number(c.fields.minimumCount)).toBe(h.minimumCount);
  });

  it('12288 from the message when the insertion strings are lost', () => {
    const message = `The client has sent an activation request to the key management service machine.\r\nInfo:\r\n${info12288}`;
    expect(asClient(decodeEvent(app({ eventId: 12288, data: null, message }))).fields.kmsHost).toBe('<KMS Host FQDN>:1688');
  });

  it('12289 (TR-EVT example: insufficient count 4)', () => {
    const c = asClient(decodeEvent(app({ eventId: 12289, data: ['0x0, 0x4000008, 0, 0, 4, 120, 10080, 1/14/2006 2:30'] })));
    expect(c.result).toBe(0);
    expect(c.fields).toEqual({
      result: '0x0',
      statusFlags: '0x4000008',
      activated: '0',
      unused: '0',
      currentCount: '4',
      activationInterval: '120',
      renewalInterval: '10080',
      clientTime: '1/14/2006 2:30',
    });
  });

  it('a client event with the wrong field count or result is an anomaly, not lost', () => {
    const short = decodeEvent(app({ eventId: 12289, data: ['0x0, 0x4000008, 0'] }));
    expect(short).toMatchObject({ kind: 'anomaly', reason: '12289 has 3 fields; expected 8', channel: 'Application' });
    const bad = decodeEvent(app({ eventId: 12288, data: [info12288.replace('0xC004F06C', 'oops')] }));
    expect(bad).toMatchObject({ kind: 'anomaly', reason: '12288 result "oops" is not an HRESULT' });
  });
});

describe('host events (kms-events.md §2.1)', () => {
  it('12293 DNS publishing failed: HRESULT and domain', () => {
    expect(asHost(decodeEvent(app({ eventId: 12293, data: ['0x8007232a', 'contoso.com'] })))).toMatchObject({
      kind: 'host', type: 'dns-publish-failed', resultHex: '0x8007232A', domain: 'contoso.com', detail: '',
    });
  });
  it('12293 from the message only', () => {
    const message = "Publishing the Key Management Service (KMS) to DNS in the 'contoso.com' domain failed.\r\nInfo:\r\n0x8007232B";
    expect(asHost(decodeEvent(app({ eventId: 12293, data: null, message })))).toMatchObject({
      type: 'dns-publish-failed', resultHex: '0x8007232B', domain: 'contoso.com', detail: message,
    });
  });
  it('12294 DNS publishing succeeded, in the Application log and in the KMS log', () => {
    const inApp = asHost(decodeEvent(app({ eventId: 12294, data: ['contoso.com'] })));
    expect(inApp).toMatchObject({ type: 'dns-publish-ok', domain: 'contoso.com', resultHex: null });
    const inKms = asHost(decodeEvent(rawEvent({ eventId: 12294, data: ['contoso.com'] })));
    expect(inKms).toMatchObject({ type: 'dns-publish-ok', domain: 'contoso.com', channel: 'Key Management Service' });
  });
  it.each([
    [12291, ['0xC004F015'], 'kms-start-failed', '0xC004F015', ''],
    [12292, ['-1073418132'], 'renewal-timer-failed', '0xC004F06C', ''],
    [12310, ['0x0', 'VM guest'], 'avma-request', '0x0', 'VM guest'],
    [1003, ['55c92734-d682-4d71-983e-d6ec3f16059f', '1: 2de67392-b7a7-462a-b1ca-108dd189f588, 1, 1 [(0 [0xC004E003, 0, 0], ...)]'], 'license-check', null,
      '55c92734-d682-4d71-983e-d6ec3f16059f | 1: 2de67392-b7a7-462a-b1ca-108dd189f588, 1, 1 [(0 [0xC004E003, 0, 0], ...)]'],
    [900, [], 'spp-starting', null, ''],
    [902, ['10.0.20348.1'], 'spp-started', null, '10.0.20348.1'],
    [903, [], 'spp-stopped', null, ''],
    [1001, ['0x80070005', 'detail'], 'spp-start-failed', '0x80070005', 'detail'],
    [1001, ['not a code'], 'spp-start-failed', null, 'not a code'],
    // Application-log SPP sample of kms-events.md §1.3 (pastebin 5Lukycif).
    [16384, ['2018-03-06T15:17:47Z', 'RulesEngine'], 'spp-restart-scheduled', null, '2018-03-06T15:17:47Z | RulesEngine'],
  ])('%i → %s', (eventId, data, type, resultHex, detail) => {
    expect(asHost(decodeEvent(app({ eventId, data })))).toMatchObject({ type, resultHex, detail, domain: null });
  });
});

describe('which events are ours', () => {
  it.each([
    ['Application Error 1000', app({ eventId: 1000, provider: 'Application Error', data: ['x'] })],
    ['Windows Error Reporting 1001', app({ eventId: 1001, provider: 'Windows Error Reporting', data: ['x'] })],
    ['1003 without a provider (too common an id)', app({ eventId: 1003, provider: undefined, data: ['x'] })],
    ['903 without a provider', app({ eventId: 903, provider: undefined, data: [] })],
    ['an unknown SPP event id', app({ eventId: 8198, data: ['0xC004F074'] })],
    ['12290 from another provider in another log', rawEvent({ channel: 'System', provider: 'SomeDriver', data: requestData(SEED) })],
    ['12293 in another log', rawEvent({ channel: 'System', eventId: 12293, data: ['0x0', 'contoso.com'] })],
  ])('ignores %s', (_label, ev) => {
    expect(decodeEvent(ev)).toBeNull();
  });

  it.each([
    ['12288 without a provider', app({ eventId: 12288, provider: undefined, data: ['0x0, 0x0, kms:1688, 24ecc780-5463-4cfc-bc0c-71744241ee4f, 2024/1/1 1:00, 0, 1, 259200, 2de67392-b7a7-462a-b1ca-108dd189f588, 25'] }), 'client'],
    ['12293 from the EventSourceName', app({ eventId: 12293, provider: 'Software Protection Platform Service', data: ['0x0', 'x'] }), 'host'],
    ['12290 in the Application log from SPP', app({ data: requestData(SEED) }), 'request'],
    ['12290 with no channel and no provider (Event Viewer CSV)', rawEvent({ channel: '', provider: undefined, data: requestData(SEED) }), 'request'],
    ['12290 with a lower-case channel name', rawEvent({ channel: 'key management service', data: requestData(SEED) }), 'request'],
    ['12290 from the classic source KmsRequests', rawEvent({ provider: 'KmsRequests', data: requestData(SEED) }), 'request'],
    ['12290 from Event Viewer\'s short provider name', rawEvent({ provider: 'Security-SPP', data: requestData(SEED) }), 'request'],
  ])('decodes %s', (_label, ev, kind) => {
    expect(decodeEvent(ev)?.kind).toBe(kind);
  });
});
