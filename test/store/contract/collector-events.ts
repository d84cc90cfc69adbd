import type { KmsRecord } from '../../../src/kms/types.js';
import { OFFICE, WIN_PRO, anomaly, cmidFor, request } from '../fixtures/records.js';

const HOSTS = ['KMS01.corp.example', 'kms02.corp.example', 'KMS03'];
const T0 = Date.UTC(2026, 9, 1);

/**
 * Event n of a three-host history: host n % 3, record id n / 3 + 1 on that host, one second per
 * event, 400 clients, every 50th event an anomaly. Any range of n is a valid "export".
 */
export function collectorEvents(start: number, count: number): KmsRecord[] {
  const out: KmsRecord[] = [];
  for (let n = start; n < start + count; n++) {
    const host = HOSTS[n % 3];
    const recordId = Math.floor(n / 3) + 1;
    const time = T0 + n * 1000;
    if (n % 50 === 0) {
      out.push(anomaly({ host, recordId, time, raw: `event ${n}` }));
      continue;
    }
    const client = (n * 7) % 400;
    const product = client % 4 === 0 ? OFFICE : WIN_PRO;
    out.push(
      request({
        host, recordId, time, machine: `pc${client}`, cmid: cmidFor(client), product,
        activationId: product.activationId, minimumCount: product.minimumCount ?? 25,
        result: n % 37 === 0 ? 0xc004f06c : 0, resultHex: n % 37 === 0 ? '0xC004F06C' : '0x0',
      }),
    );
  }
  return out;
}
