import { lookupProduct } from '../../../src/kms/products.js';
import type { KmsRecord } from '../../../src/kms/types.js';
import { anomaly, clientEvent, hostEvent, request } from '../fixtures/records.js';

/**
 * The small hand-made dataset behind queries.test.ts. Every expected value there is derived by hand
 * from this list (see the comments next to each expectation). `AT` is the report instant; the 30-day
 * window is (WINDOW_FROM, AT].
 */
export const AT = Date.UTC(2026, 10, 30, 12, 0, 0);
export const WINDOW_FROM = AT - 30 * 86_400_000; // 2026-10-31 12:00 UTC

export const HOST_A = 'KMS01.corp.example';
export const HOST_B = 'kms02.corp.example';

export const WIN_PRO = lookupProduct('2de67392-b7a7-462a-b1ca-108dd189f588'); // Windows 10/11 Pro, N 25
export const OFFICE = lookupProduct('fbdb3e18-a8ef-4fb3-9183-dffd60bd0984'); // Office LTSC Pro Plus 2021, N 5
export const SERVER = lookupProduct('9bd77860-9b31-4b7b-96ad-2564017315bf'); // Windows Server 2022 Standard, N 5

export const C1 = '11111111-1111-4111-8111-111111111111';
export const C2 = '22222222-2222-4222-8222-222222222222';
export const C3 = '33333333-3333-4333-8333-333333333333';
export const C4 = '44444444-4444-4444-8444-444444444444';
export const C5 = '55555555-5555-4555-8555-555555555555';
export const C6 = '66666666-6666-4666-8666-666666666666';

export const t = (month: number, day: number, hour = 8): number => Date.UTC(2026, month - 1, day, hour, 0, 0);

const KMS = 'Key Management Service';

const winReq = (o: Parameters<typeof request>[0]) =>
  request({ product: WIN_PRO, activationId: WIN_PRO.activationId, minimumCount: 25, ...o });
const officeReq = (o: Parameters<typeof request>[0]) =>
  request({ product: OFFICE, activationId: OFFICE.activationId, minimumCount: 5, ...o });

/** In time order per (host, channel), record ids rising with time: no log clear in here. */
export function handDataset(): KmsRecord[] {
  return [
    // host A, Key Management Service channel
    winReq({ host: HOST_A, recordId: 1, time: t(11, 1), machine: 'PC1.corp.example', cmid: C1, licenseState: 1, minutesLeft: 259200 }),
    anomaly({ host: HOST_A, channel: KMS, recordId: 2, time: t(11, 10), raw: 'Data: 1,2,3', reason: 'wrong number of insertion strings (3)' }),
    winReq({ host: HOST_A, recordId: 3, time: t(11, 20), machine: 'pc1.corp.example', cmid: C1, licenseState: 1, minutesLeft: 250000 }),
    officeReq({ host: HOST_A, recordId: 4, time: t(11, 21, 9), machine: 'PC2', cmid: C2, licenseState: 1, minutesLeft: 100, isVm: true }),
    winReq({ host: HOST_A, recordId: 5, time: t(11, 22, 10), machine: 'PC3', cmid: C3, result: 0xc004f06c, resultHex: '0xC004F06C', licenseState: 2, minutesLeft: 40000 }),
    winReq({ host: HOST_A, recordId: 6, time: t(11, 22, 11), machine: 'pc3', cmid: C3, result: 0xc004f06c, resultHex: '0xC004F06C', licenseState: 2, minutesLeft: 39940 }),
    officeReq({ host: HOST_A, recordId: 7, time: t(11, 23), machine: 'PC1.corp.example', cmid: C1, licenseState: 1, minutesLeft: 259000 }),
    anomaly({ host: HOST_A, channel: KMS, recordId: 8, time: t(12, 2), raw: 'after at' }),
    // host B
    request({ host: HOST_B, recordId: 10, time: t(10, 15), machine: 'PC4', cmid: C4, product: SERVER, activationId: SERVER.activationId, minimumCount: 5, licenseState: 1, minutesLeft: 0 }),
    winReq({ host: HOST_B, recordId: 11, time: t(11, 25), machine: 'CLONE-A', cmid: C5, licenseState: 1, minutesLeft: 259200 }),
    winReq({ host: HOST_B, recordId: 12, time: t(11, 26), machine: 'CLONE-B', cmid: C5, licenseState: 1, minutesLeft: 259200 }),
    winReq({ host: HOST_B, recordId: 13, time: t(12, 5), machine: 'PC6', cmid: C6, licenseState: 1, minutesLeft: 259200 }),
    // host A, Application log
    hostEvent({ host: HOST_A, recordId: 100, time: t(11, 2), type: 'dns-publish-ok', eventId: 12294, resultHex: null, domain: 'corp.example' }),
    hostEvent({ host: HOST_A, recordId: 101, time: t(11, 5), type: 'dns-publish-failed', eventId: 12293, resultHex: '0x8007232A', domain: 'corp.example' }),
    hostEvent({ host: HOST_A, recordId: 102, time: t(11, 12), type: 'dns-publish-ok', eventId: 12294, resultHex: null, domain: 'corp.example' }),
    hostEvent({ host: HOST_A, recordId: 103, time: t(12, 3), type: 'dns-publish-ok', eventId: 12294, resultHex: null, domain: 'late.example' }),
    // a KMS client's own Application log
    clientEvent({ host: 'PC1.corp.example', recordId: 500, time: t(11, 20) }),
  ];
}
