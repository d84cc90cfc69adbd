import { describe, expect, it } from 'vitest';
import { describeResult, licenseStateName } from '../../src/kms/codes.js';
import { decodeEvent } from '../../src/kms/decode.js';
import type { KmsRecord, KmsRequest } from '../../src/kms/types.js';
import { rawEvent, requestData } from './events.js';

function asRequest(record: KmsRecord | null): KmsRequest {
  if (record?.kind !== 'request') throw new Error(`expected a request, got ${JSON.stringify(record)}`);
  return record;
}

// Seed line of issue 2: success, needs 25, physical, Notification (5), 0 minutes, Windows 10/11 Pro.
const SEED = '0x0,25,pcname.domain.com,24ecc780-5463-4cfc-bc0c-71744241ee4f,2015/10/27 17:10,0,5,0,2de67392-b7a7-462a-b1ca-108dd189f588';
// MS-F074 (KB 974998) host sample, kms-events.md §1.3.
const MS_F074 = '0xC004F06C,5,<KMS Client name>,36f27b39-2fd5-440b-be67-a09996d27a38,2010/9/29 21:46,0,2,41520,68531fb9-5511-4989-97be-d11a0f55633f';

describe('12290: the seed line', () => {
  const r = asRequest(decodeEvent(rawEvent({ data: requestData(SEED) })));

  it('decodes every field', () => {
    expect(r).toEqual({
      kind: 'request',
      host: 'kms01.contoso.com',
      channel: 'Key Management Service',
      eventId: 12290,
      recordId: 42,
      time: Date.UTC(2026, 0, 15, 10, 0, 0),
      source: 'logs/kms.xml (xml)',
      result: 0,
      resultHex: '0x0',
      minimumCount: 25,
      machine: 'pcname.domain.com',
      cmid: '24ecc780-5463-4cfc-bc0c-71744241ee4f',
      clientTimeText: '2015/10/27 17:10',
      clientTime: Date.UTC(2015, 9, 27, 17, 10),
      isVm: false,
      licenseState: 5,
      minutesLeft: 0,
      activationId: '2de67392-b7a7-462a-b1ca-108dd189f588',
      product: {
        activationId: '2de67392-b7a7-462a-b1ca-108dd189f588',
        name: 'Windows 10/11 Pro',
        kmsGroup: 'Windows 10/11 2015 (Volume)',
        kmsGroupId: '58e2134f-8e11-4d17-9cb2-91069c151148',
        application: 'Windows',
        minimumCount: 25,
        known: true,
      },
    });
  });
  it('reads as: success, Notification', () => {
    expect(describeResult(r.result).meaning).toMatch(/processed successfully/);
    expect(licenseStateName(r.licenseState)).toBe('Notification');
  });
  it('gives the same request from 9 strings, from the Info string alone and from the message', () => {
    const fromNine = decodeEvent(rawEvent({ data: SEED.split(',') }));
    const fromInfo = decodeEvent(rawEvent({ data: [SEED] }));
    const fromMessage = decodeEvent(rawEvent({ data: null, message: `An activation request has been processed.\r\nInfo:\r\n${SEED}\r\n` }));
    expect(fromNine).toEqual(r);
    expect(fromInfo).toEqual(r);
    expect(fromMessage).toEqual(r);
  });
});

describe('12290: the MS-F074 sample', () => {
  // The message exactly as the article renders it.
  const message = `An activation request has been processed.\nInfo:\n${MS_F074}`;
  const r = asRequest(decodeEvent(rawEvent({ provider: 'Microsoft-Windows-Security-Licensing-SLC', data: null, message })));

  it('decodes every field from the message', () => {
    expect(r).toMatchObject({
      result: 0xc004f06c,
      resultHex: '0xC004F06C',
      minimumCount: 5,
      machine: '<KMS Client name>',
      cmid: '36f27b39-2fd5-440b-be67-a09996d27a38',
      clientTimeText: '2010/9/29 21:46',
      clientTime: Date.UTC(2010, 8, 29, 21, 46),
      isVm: false,
      licenseState: 2,
      minutesLeft: 41520,
      activationId: '68531fb9-5511-4989-97be-d11a0f55633f',
    });
    expect(r.product).toMatchObject({ name: 'Windows Server 2008 R2 Standard', application: 'Windows', minimumCount: 5, known: true });
    expect(licenseStateName(r.licenseState)).toBe('OOBGrace');
    expect(describeResult(r.result).meaning).toMatch(/request timestamp is invalid/);
  });
  it('decodes the same from the 10 insertion strings', () => {
    const fromData = decodeEvent(rawEvent({ provider: 'Microsoft-Windows-Security-Licensing-SLC', data: requestData(MS_F074), message }));
    expect(fromData).toEqual(r);
  });
});

describe('12290: the VA2-OPS row', () => {
  // Printed in the guide with a blank after each comma.
  const row = '0x0, 25, kms03.site5.contoso.com, e5c98033-aab6-4d0b-9af9-1d399597dd56, 2006/1/14 22:36, 1, 2, 40123, cf67834d-db4a-402c-ab1f-2c134f02b700';
  const r = asRequest(decodeEvent(rawEvent({ data: row.split(', ') })));

  it('decodes every field; its activation ID is not in KmsDataBase.xml, so the product is unknown', () => {
    expect(r).toMatchObject({
      result: 0,
      resultHex: '0x0',
      minimumCount: 25,
      machine: 'kms03.site5.contoso.com',
      cmid: 'e5c98033-aab6-4d0b-9af9-1d399597dd56',
      clientTimeText: '2006/1/14 22:36',
      clientTime: Date.UTC(2006, 0, 14, 22, 36),
      isVm: true,
      licenseState: 2,
      minutesLeft: 40123,
      activationId: 'cf67834d-db4a-402c-ab1f-2c134f02b700',
    });
    expect(r.product).toEqual({
      activationId: 'cf67834d-db4a-402c-ab1f-2c134f02b700',
      name: 'Unknown product cf67834d-db4a-402c-ab1f-2c134f02b700',
      kmsGroup: '',
      kmsGroupId: '',
      application: 'Unknown',
      minimumCount: null,
      known: false,
    });
  });
  it('reads the Info line from a message with blanks after the commas', () => {
    expect(decodeEvent(rawEvent({ data: null, message: `An activation request has been processed. Info: ${row}` }))).toEqual(r);
  });
});

describe('12290: field forms', () => {
  it('lower-cases and unbraces CMID and activation ID; normalises the HRESULT', () => {
    const r = asRequest(decodeEvent(rawEvent({
      data: ['', '0x00000000', '5', 'SRV01', '{E5C98033-AAB6-4D0B-9AF9-1D399597DD56}', '2024/5/1 8:00', '0', '1', '259200', '{C052F164-CDF6-409A-A0CB-853BA0F0F55A}'],
    })));
    expect(r).toMatchObject({
      resultHex: '0x0',
      cmid: 'e5c98033-aab6-4d0b-9af9-1d399597dd56',
      activationId: 'c052f164-cdf6-409a-a0cb-853ba0f0f55a',
    });
    expect(r.product.name).toBe('Windows Server 2025 Datacenter');
  });
  it('keeps an unparseable client time as text with clientTime null', () => {
    const r = asRequest(decodeEvent(rawEvent({ data: SEED.replace('2015/10/27 17:10', '27.10.2015 17:10').split(',') })));
    expect(r.clientTimeText).toBe('27.10.2015 17:10');
    expect(r.clientTime).toBeNull();
  });
  it('reads a localised message without an "Info:" label', () => {
    const message = `Eine Aktivierungsanforderung wurde verarbeitet.\r\nInformationen:\r\n${SEED}`;
    expect(asRequest(decodeEvent(rawEvent({ data: null, message }))).cmid).toBe('24ecc780-5463-4cfc-bc0c-71744241ee4f');
  });
  it('splits an Info line from both ends: a machine name with commas stays whole (message and single Data string)', () => {
    // Two fields before the name, six after it: the 10 commas of this line leave `LAB, PC03,x` between them.
    const info = '0x0,25,LAB, PC03,x,0f1e2d3c-4b5a-4697-8877-665544332211,2026/2/3 7:44,0,2,43200,73111121-5638-40f6-bc11-f1d7b0d64300';
    const fromMessage = asRequest(decodeEvent(rawEvent({ data: null, message: `An activation request has been processed.\nInfo:\n${info}` })));
    expect(fromMessage).toMatchObject({ machine: 'LAB, PC03,x', minimumCount: 25, cmid: '0f1e2d3c-4b5a-4697-8877-665544332211', clientTimeText: '2026/2/3 7:44', licenseState: 2, minutesLeft: 43200 });
    expect(asRequest(decodeEvent(rawEvent({ data: [info] })))).toEqual(fromMessage);
  });
  it('takes record id null when the format has none', () => {
    expect(decodeEvent(rawEvent({ recordId: undefined, data: SEED.split(',') }))?.recordId).toBeNull();
  });
});

describe('12290: hostile strings are kept verbatim', () => {
  it.each([
    "'; DROP TABLE requests; --",
    '<script>alert("x")</script>',
    'Robert"); DELETE FROM clients;',
    'ünïcødé-名前',
  ])('%s', (machine) => {
    const fields = SEED.split(',');
    fields[2] = machine;
    const r = asRequest(decodeEvent(rawEvent({ data: ['', ...fields] })));
    expect(r.machine).toBe(machine);
  });
});
