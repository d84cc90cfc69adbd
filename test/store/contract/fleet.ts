import { lookupProduct } from '../../../src/kms/products.js';
import type { KmsRecord } from '../../../src/kms/types.js';
import { anomaly, hostEvent, request } from '../fixtures/records.js';
import { seededRandom } from '../../helpers/seeded-random.js';

/**
 * A deterministic, varied history for comparing backends with each other (not for hand-derived
 * numbers): three hosts (one written in two cases), Windows / Office 2010 / Office / unknown
 * products, failures, clones, a log clear, events without record ids, host events and anomalies.
 */
export const FLEET_AT = Date.UTC(2026, 10, 30, 12, 0, 0);

const PRODUCTS = [
  lookupProduct('2de67392-b7a7-462a-b1ca-108dd189f588'), // Windows 10/11 Pro, 25
  lookupProduct('9bd77860-9b31-4b7b-96ad-2564017315bf'), // Windows Server 2022 Standard, 5
  lookupProduct('6f327760-8c5c-417c-9b61-836a98287e0c'), // Office Professional Plus 2010
  lookupProduct('fbdb3e18-a8ef-4fb3-9183-dffd60bd0984'), // Office LTSC Professional Plus 2021
  lookupProduct('0badc0de-0000-4000-8000-000000000001'), // unknown
];
const FAILURES = [0xc004f06c, 0xc004f042, 0xc004f038];

export function fleetHistory(seed = 7): KmsRecord[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const hosts = ['KMS-A.corp.example', 'kms-b.corp.example', 'KMS-C'];
  const nextId = new Map<string, number>(hosts.map((h) => [h, 1]));
  const t0 = FLEET_AT - 70 * 86_400_000;
  const records: KmsRecord[] = [];
  const clients = Array.from({ length: 150 }, (_, i) => ({
    cmid: `${(0x10000000 + i * 7919).toString(16)}-aaaa-4bbb-8ccc-${String(i).padStart(12, '0')}`,
    machine: i % 5 === 0 ? `PC${i}.Corp.Example` : `pc${i}.corp.example`,
    product: PRODUCTS[i % PRODUCTS.length],
    vm: i % 3 === 0,
  }));
  // clones: three CMIDs also reported under another name
  for (const i of [3, 4, 5]) clients.push({ ...clients[i], machine: `CLONE-OF-${i}` });

  let time = t0;
  for (let n = 0; n < 3000; n++) {
    time += Math.floor(rnd() * 2_400_000) + 1000;
    const host = pick(hosts);
    const c = pick(clients);
    let recordId: number | null = nextId.get(host)!;
    nextId.set(host, recordId + 1);
    // KMS-C's log is cleared halfway through: its record ids start again
    if (host === 'KMS-C' && n === 1500) nextId.set(host, 1);
    // some events come from an export without record ids (Event Viewer CSV)
    if (n % 97 === 0) recordId = null;
    const failed = rnd() < 0.06;
    const result = failed ? pick(FAILURES) : 0;
    records.push(
      request({
        host: n % 11 === 0 ? host.toUpperCase() : host,
        recordId,
        time,
        machine: c.machine,
        cmid: c.cmid,
        product: c.product,
        activationId: c.product.activationId,
        minimumCount: c.product.minimumCount ?? (rnd() < 0.5 ? 25 : 5),
        result,
        resultHex: failed ? `0x${result.toString(16).toUpperCase()}` : '0x0',
        licenseState: Math.floor(rnd() * 7),
        minutesLeft: rnd() < 0.1 ? 0 : Math.floor(rnd() * 259200),
        isVm: c.vm,
        source: `export-${n % 4}.evtx (evtx)`,
      }),
    );
    if (n % 150 === 0) {
      records.push(anomaly({ host, recordId: nextId.get(host)!, time: time + 1, raw: `odd event ${n}`, reason: 'wrong number of insertion strings' }));
      nextId.set(host, nextId.get(host)! + 1);
    }
    if (n % 200 === 0) {
      const ok = rnd() < 0.7;
      records.push(
        hostEvent({
          host, channel: 'Application', recordId: n + 1, time: time + 2,
          type: ok ? 'dns-publish-ok' : 'dns-publish-failed', eventId: ok ? 12294 : 12293,
          resultHex: ok ? null : '0x8007232A', domain: pick(['corp.example', 'lab.example']),
        }),
      );
    }
  }
  return records;
}
