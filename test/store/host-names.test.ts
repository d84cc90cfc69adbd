import { describe, expect, it } from 'vitest';
import { lookupProduct } from '../../src/kms/products.js';
import type { KmsRecord } from '../../src/kms/types.js';
import { matchHostName, recordHostNames, seenHostNames, storedHostNames } from '../../src/store/host-names.js';
import { createMemoryStore } from '../../src/store/memory.js';

const STORED = ['KMS01.corp.contoso.com', 'kms02', 'KMS03.corp.contoso.com', 'kms03.lab.contoso.com'];

describe('matchHostName', () => {
  it('matches case-insensitively and returns the stored spelling', () => {
    expect(matchHostName(STORED, 'kms01.CORP.contoso.com')).toEqual({ kind: 'stored', host: 'KMS01.corp.contoso.com' });
    expect(matchHostName(STORED, 'KMS02')).toEqual({ kind: 'stored', host: 'kms02' });
  });

  it('a short name stands for the one stored FQDN whose first label it is', () => {
    expect(matchHostName(STORED, 'kms01')).toEqual({ kind: 'stored', host: 'KMS01.corp.contoso.com' });
    // not a prefix match: "kms0" is no label of any stored name
    expect(matchHostName(STORED, 'kms0')).toEqual({ kind: 'new', host: 'kms0' });
  });

  it('two stored FQDNs with that first label: ambiguous, both named', () => {
    expect(matchHostName(STORED, ' KMS03 ')).toEqual({ kind: 'ambiguous', candidates: ['KMS03.corp.contoso.com', 'kms03.lab.contoso.com'] });
  });

  it('an FQDN matches only itself; an unknown name is new, as given (trimmed)', () => {
    expect(matchHostName(STORED, 'kms01.lab.contoso.com')).toEqual({ kind: 'new', host: 'kms01.lab.contoso.com' });
    expect(matchHostName([], ' KMS09 ')).toEqual({ kind: 'new', host: 'KMS09' });
  });
});

function request(host: string, recordId: number): KmsRecord {
  return {
    kind: 'request', host, channel: 'Key Management Service', eventId: 12290, recordId, time: Date.UTC(2026, 1, 2) + recordId * 1000, source: 't (xml)',
    result: 0, resultHex: '0x0', minimumCount: 25, machine: 'PC01', cmid: '4b3c0a3e-6b2f-4c1d-9e0a-1f2d3c4b5a61', clientTimeText: '2026/2/2 8:15',
    clientTime: null, isVm: false, licenseState: 1, minutesLeft: 0, activationId: '73111121-5638-40f6-bc11-f1d7b0d64300',
    product: lookupProduct('73111121-5638-40f6-bc11-f1d7b0d64300'),
  };
}

describe('stored hosts and the names they were seen under', () => {
  it('one display name per host, as the report shows it; hosts whose events have no record id too', async () => {
    const store = createMemoryStore();
    await store.migrate();
    await store.writeBatch([request('KMS01.corp.contoso.com', 1), request('kms01.CORP.contoso.com', 2), request('kms02', 3)]);
    // an Event Viewer save's requests: no record id, so no checkpoint in the memory store
    await store.writeBatch([{ ...request('KMS04', 4), recordId: null }]);
    expect(await storedHostNames(store)).toEqual(['KMS01.corp.contoso.com', 'kms02', 'KMS04']);
  });

  it('keeps the names per host key, merged over runs, and reads them back', async () => {
    const store = createMemoryStore();
    await store.migrate();
    await recordHostNames(store, [{ host: 'KMS01.corp.contoso.com', name: 'KMS01.corp.contoso.com' }, { host: 'KMS01.corp.contoso.com', name: 'KMS01' }]);
    await recordHostNames(store, [{ host: 'kms01.corp.contoso.com', name: 'kms01' }, { host: 'KMS01.corp.contoso.com', name: 'KMS01' }]);
    const seen = await seenHostNames(store, ['kms01.CORP.contoso.com', 'kms02']);
    expect([...seen]).toEqual([['kms01.corp.contoso.com', ['KMS01', 'KMS01.corp.contoso.com', 'kms01']]]);
  });
});
