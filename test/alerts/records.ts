/** Hand-made KMS records for the alert tests (no file formats involved). */
import { lookupProduct } from '../../src/kms/products.js';
import { APPLICATION_CHANNEL, KMS_CHANNEL, type HostEventType, type KmsAnomaly, type KmsHostEvent, type KmsRequest } from '../../src/kms/types.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Every expectation in test/alerts is relative to this instant. */
export const AT = Date.parse('2026-03-01T00:00:00.000Z');

export const WIN_PRO = '2de67392-b7a7-462a-b1ca-108dd189f588'; // Windows 10/11 Pro, N = 25
export const OFFICE_2019 = '85dd8b5f-eaa4-4af3-a628-cce9e77c9a03'; // Office Professional Plus 2019, N = 5

let nextRecordId = 1;

export function req(
  host: string,
  time: number,
  cmid: string,
  machine: string,
  o: { product?: string; result?: number; licenseState?: number; minutesLeft?: number } = {},
): KmsRequest {
  const product = lookupProduct(o.product ?? WIN_PRO);
  const result = o.result ?? 0;
  return {
    kind: 'request',
    host,
    channel: KMS_CHANNEL,
    eventId: 12290,
    recordId: nextRecordId++,
    time,
    source: 'alerts test',
    result,
    resultHex: result === 0 ? '0x0' : `0x${result.toString(16).toUpperCase()}`,
    minimumCount: product.minimumCount ?? 25,
    machine,
    cmid,
    clientTimeText: '',
    clientTime: null,
    isVm: false,
    licenseState: o.licenseState ?? 1,
    minutesLeft: o.minutesLeft ?? 249_120,
    activationId: product.activationId,
    product,
  };
}

const HOST_EVENT_IDS: Partial<Record<HostEventType, number>> = {
  'kms-start-failed': 12291,
  'dns-publish-failed': 12293,
  'dns-publish-ok': 12294,
};

export function hostEvent(host: string, time: number, type: HostEventType, o: { domain?: string; resultHex?: string } = {}): KmsHostEvent {
  return {
    kind: 'host',
    host,
    channel: APPLICATION_CHANNEL,
    eventId: HOST_EVENT_IDS[type] ?? 0,
    recordId: nextRecordId++,
    time,
    source: 'alerts test',
    type,
    resultHex: o.resultHex ?? null,
    domain: o.domain ?? null,
    detail: '',
  };
}

export function anomaly(host: string, time: number): KmsAnomaly {
  return {
    kind: 'anomaly',
    host,
    channel: KMS_CHANNEL,
    eventId: 1337,
    recordId: nextRecordId++,
    time,
    source: 'alerts test',
    reason: 'event 1337 is not a KMS event',
    provider: 'Persistence',
    raw: 'fc4883e4f0e8',
  };
}

/** `c-07`: readable CMIDs; the store does not require GUIDs. */
export const cmid = (prefix: string, n: number): string => `${prefix}-${String(n).padStart(2, '0')}`;
