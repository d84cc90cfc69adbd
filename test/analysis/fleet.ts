/**
 * Builders for hand-made KMS records, and the small multi-host fleet the analysis tests derive
 * their expected numbers from (the fleet is described above fleetRecords()).
 */
import { lookupProduct } from '../../src/kms/products.js';
import { APPLICATION_CHANNEL, KMS_CHANNEL, type HostEventType, type KmsAnomaly, type KmsHostEvent, type KmsRecord, type KmsRequest } from '../../src/kms/types.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The instant every fleet number is relative to. */
export const AT = Date.parse('2026-03-01T00:00:00.000Z');

export const PRODUCTS = {
  win11Pro: '2de67392-b7a7-462a-b1ca-108dd189f588', // Windows 10/11 Pro, N=25
  server2022: '9bd77860-9b31-4b7b-96ad-2564017315bf', // Windows Server 2022 Standard, N=5
  server2019: 'de32eafd-aaee-4662-9444-c1befb41bde2', // Windows Server 2019 Standard, N=5
  office2021: 'fbdb3e18-a8ef-4fb3-9183-dffd60bd0984', // Office LTSC Professional Plus 2021, N=5
} as const;

export interface RequestSpec {
  host: string;
  time: number;
  cmid: string;
  machine: string;
  product?: string;
  result?: number;
  /** Defaults to the product's N-policy. */
  minimumCount?: number;
  licenseState?: number;
  minutesLeft?: number;
  isVm?: boolean;
  recordId?: number | null;
}

export function request(s: RequestSpec): KmsRequest {
  const product = lookupProduct(s.product ?? PRODUCTS.win11Pro);
  const result = s.result ?? 0;
  return {
    kind: 'request',
    host: s.host,
    channel: KMS_CHANNEL,
    eventId: 12290,
    recordId: s.recordId ?? null,
    time: s.time,
    source: 'fleet (test)',
    result,
    resultHex: `0x${result.toString(16).toUpperCase()}`,
    minimumCount: s.minimumCount ?? product.minimumCount ?? 25,
    machine: s.machine,
    cmid: s.cmid,
    clientTimeText: '',
    clientTime: null,
    isVm: s.isVm ?? false,
    licenseState: s.licenseState ?? 1,
    // A renewing client: 180 days − 7 days = 249,120 minutes left (kms-events.md §3.3).
    minutesLeft: s.minutesLeft ?? 249_120,
    activationId: product.activationId,
    product,
  };
}

export function hostEvent(host: string, time: number, type: HostEventType, domain: string | null, resultHex: string | null = null): KmsHostEvent {
  return { kind: 'host', host, channel: APPLICATION_CHANNEL, eventId: type === 'dns-publish-failed' ? 12293 : 12294, recordId: null, time, source: 'fleet (test)', type, resultHex, domain, detail: '' };
}

export function anomaly(host: string, time: number, raw: string): KmsAnomaly {
  return { kind: 'anomaly', host, channel: KMS_CHANNEL, eventId: 1337, recordId: null, time, source: 'fleet (test)', reason: 'event id 1337 is not a KMS event', provider: 'Persistence', raw };
}

/** `w-01`… style CMIDs would not be GUIDs; the store does not care, and readable ids make the test clearer. */
function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The fleet, at AT = 2026-03-01T00:00Z; window = (AT − 30 d, AT].
 *
 * kms01 (busy, Windows + Office):
 *   w-01..w-40  Windows 10/11 Pro (N=25), result 0x0, at AT − 1 d, machines PC-01..PC-40
 *   s-01..s-20  Server 2022 (N=5), 0x0, at AT − 2 d, machines SRV-01..SRV-20
 *   w-01..w-03  also Office LTSC 2021 (N=5), 0x0, at AT − 1 d, same machine names (not clones)
 *   g-1         Office 2021 from PC-42, 0xC004F042, at AT − 1 d, state 2, 43,200 min left
 *   DNS: 12293 at AT − 5 d and AT − 4 d (contoso.com, 0x8007232A), 12294 at AT − 3 d and AT + 1 h
 * kms02 (servers only):
 *   x-01..x-12  Server 2019 (N=5), 0x0, at AT − 10 d, machines APP-01..APP-12
 *   c-1         Server 2019 from SRV-A (AT − 6 d), srv-b (AT − 5 d), Srv-A (AT − 4 d): a clone
 *   x-case      Server 2019 from PC-X (AT − 7 d) and pc-x (AT − 6 d): one machine, not a clone
 * kms03 (edges, failures, client states; Windows 10/11 Pro unless said):
 *   e-out   at AT − 30 d exactly (outside the window)   e-near at AT − 30 d + 1 ms (inside)
 *   e-in    at AT exactly (inside)                       e-future at AT + 1 ms (ignored everywhere)
 *   f-1     PC-FAIL at AT − 3 d twice, pc-fail at AT − 2 d: 0xC004F06C, state 2, 43,200 min
 *   f-2     PC-OLD at AT − 31 d: 0xC004F042 (outside the window)
 *   k-renew AT − 2 d (state 1)    k-overdue AT − 9 d    k-8d AT − 8 d exactly    k-lapsed AT − 31 d
 *   k-expiring  AT − 1 d, state 2 (OOBGrace), 14,400 min (10 d) left → expires AT + 9 d
 *   k-exp-edge  AT − 1 d, state 5 (Notification), 21,600 min (15 d) → expires AT + 14 d exactly
 *   k-zero      AT − 1 d, state 0 (Unlicensed), 0 min left → no expiry
 *   k-history   AT − 20 d state 2, then AT − 1 d state 1 with 259,200 min
 *   Record ids restart at 1 with e-in (AT): a log clear, epoch 1, detected at AT.
 *   Anomalies: two at AT − 1 d, one at AT + 1 d.
 * kms04: only a 12294 at AT − 2 d (no requests).
 */
export function fleetRecords(): KmsRecord[] {
  const reqs: RequestSpec[] = [];
  for (let i = 1; i <= 40; i++) reqs.push({ host: 'kms01', time: AT - DAY, cmid: `w-${pad(i)}`, machine: `PC-${pad(i)}` });
  for (let i = 1; i <= 20; i++) reqs.push({ host: 'kms01', time: AT - 2 * DAY, cmid: `s-${pad(i)}`, machine: `SRV-${pad(i)}`, product: PRODUCTS.server2022 });
  for (let i = 1; i <= 3; i++) reqs.push({ host: 'kms01', time: AT - DAY, cmid: `w-${pad(i)}`, machine: `PC-${pad(i)}`, product: PRODUCTS.office2021 });
  reqs.push({ host: 'kms01', time: AT - DAY, cmid: 'g-1', machine: 'PC-42', product: PRODUCTS.office2021, result: 0xc004f042, licenseState: 2, minutesLeft: 43_200 });

  for (let i = 1; i <= 12; i++) reqs.push({ host: 'kms02', time: AT - 10 * DAY, cmid: `x-${pad(i)}`, machine: `APP-${pad(i)}`, product: PRODUCTS.server2019 });
  reqs.push({ host: 'kms02', time: AT - 6 * DAY, cmid: 'c-1', machine: 'SRV-A', product: PRODUCTS.server2019 });
  reqs.push({ host: 'kms02', time: AT - 5 * DAY, cmid: 'c-1', machine: 'srv-b', product: PRODUCTS.server2019 });
  reqs.push({ host: 'kms02', time: AT - 4 * DAY, cmid: 'c-1', machine: 'Srv-A', product: PRODUCTS.server2019 });
  reqs.push({ host: 'kms02', time: AT - 7 * DAY, cmid: 'x-case', machine: 'PC-X', product: PRODUCTS.server2019 });
  reqs.push({ host: 'kms02', time: AT - 6 * DAY, cmid: 'x-case', machine: 'pc-x', product: PRODUCTS.server2019 });

  const k3 = (time: number, cmid: string, extra: Partial<RequestSpec> = {}): void => {
    reqs.push({ host: 'kms03', time, cmid, machine: cmid.toUpperCase(), ...extra });
  };
  k3(AT - 30 * DAY, 'e-out');
  k3(AT - 30 * DAY + 1, 'e-near');
  k3(AT, 'e-in');
  k3(AT + 1, 'e-future');
  k3(AT - 3 * DAY, 'f-1', { machine: 'PC-FAIL', result: 0xc004f06c, licenseState: 2, minutesLeft: 43_200 });
  k3(AT - 3 * DAY + HOUR, 'f-1', { machine: 'PC-FAIL', result: 0xc004f06c, licenseState: 2, minutesLeft: 43_200 });
  k3(AT - 2 * DAY, 'f-1', { machine: 'pc-fail', result: 0xc004f06c, licenseState: 2, minutesLeft: 43_200 });
  k3(AT - 31 * DAY, 'f-2', { machine: 'PC-OLD', result: 0xc004f042 });
  k3(AT - 2 * DAY, 'k-renew');
  k3(AT - 9 * DAY, 'k-overdue');
  k3(AT - 8 * DAY, 'k-8d');
  k3(AT - 31 * DAY, 'k-lapsed');
  k3(AT - DAY, 'k-expiring', { licenseState: 2, minutesLeft: 14_400 });
  k3(AT - DAY, 'k-exp-edge', { licenseState: 5, minutesLeft: 21_600 });
  k3(AT - DAY, 'k-zero', { licenseState: 0, minutesLeft: 0 });
  k3(AT - 20 * DAY, 'k-history', { licenseState: 2, minutesLeft: 40_000 });
  k3(AT - DAY, 'k-history', { minutesLeft: 259_200 });

  // Record ids per host in time order; kms03's restart at 1 from AT on (the log was cleared).
  const records: KmsRecord[] = [];
  for (const host of ['kms01', 'kms02', 'kms03']) {
    const mine = reqs.filter((r) => r.host === host).sort((a, b) => a.time - b.time);
    let id = 100;
    for (const r of mine) {
      if (host === 'kms03' && r.time === AT) id = 1;
      records.push(request({ ...r, recordId: id++ }));
    }
  }

  records.push(
    hostEvent('kms01', AT - 5 * DAY, 'dns-publish-failed', 'contoso.com', '0x8007232A'),
    hostEvent('kms01', AT - 4 * DAY, 'dns-publish-failed', 'contoso.com', '0x8007232A'),
    hostEvent('kms01', AT - 3 * DAY, 'dns-publish-ok', 'contoso.com'),
    hostEvent('kms01', AT + HOUR, 'dns-publish-ok', 'contoso.com'),
    hostEvent('kms04', AT - 2 * DAY, 'dns-publish-ok', 'fabrikam.com'),
    anomaly('kms03', AT - DAY, 'deadbeef'),
    anomaly('kms03', AT - DAY + MINUTE, "'; DROP TABLE requests; --"),
    anomaly('kms03', AT + DAY, 'later'),
  );
  return records;
}

export async function fleetStore(): Promise<Store> {
  const store = createMemoryStore();
  await store.writeBatch(fleetRecords());
  return store;
}
