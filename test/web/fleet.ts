/**
 * A small deterministic fleet for the web tests, written as Windows writes it (src/simulate/events.ts
 * shapes) into an EVTX file and as Winlogbeat NDJSON. The tests never hard-code the numbers this
 * fleet gives: they compare what the API, dashboard and metrics show with buildReport (the code
 * behind `kmswatch report --json`) over the same store.
 */
import { writeEvtx } from '../../src/evtx/writer/index.js';
import { dnsPublishFailedEvent, dnsPublishOkEvent, requestEvent, type RequestFields, type SimEvent } from '../../src/simulate/events.js';

export const AT = Date.parse('2026-03-01T00:00:00.000Z');
const DAY = 86_400_000;
export const XSS_NAME = '<img src=x onerror=alert(1)>';

const WIN11_PRO = '2de67392-b7a7-462a-b1ca-108dd189f588';
const SERVER_2022 = '9bd77860-9b31-4b7b-96ad-2564017315bf';
const OFFICE_2021 = 'fbdb3e18-a8ef-4fb3-9183-dffd60bd0984';

function cmid(i: number): string {
  return `0000${i.toString(16).padStart(4, '0')}-1111-4222-8333-${(i * 7919).toString(16).padStart(12, '0')}`;
}

/** Events of the fleet, in time order per host; record ids count up per (host, channel). */
export function fleetEvents(): SimEvent[] {
  const events: SimEvent[] = [];
  const recordIds = new Map<string, number>();
  const next = (host: string, channel: string) => {
    const k = `${host}/${channel}`;
    const id = (recordIds.get(k) ?? 0) + 1;
    recordIds.set(k, id);
    return id;
  };
  const req = (host: string, time: number, f: Partial<RequestFields> & Pick<RequestFields, 'machine' | 'cmid'>) =>
    events.push(
      requestEvent(host, time, next(host, 'kms'), {
        result: 0, minimumCount: 25, clientTime: time, isVm: false, licenseState: 1, minutesLeft: 249_120, activationId: WIN11_PRO, ...f,
      }),
    );

  // KMS01: 30 Windows 11 Pro clients renewing weekly over the last 40 days (staggered starts).
  for (let c = 0; c < 30; c++) {
    for (let t = AT - 40 * DAY + c * DAY; t <= AT; t += 7 * DAY) req('KMS01', t + c * 60_000, { machine: `PC${String(c).padStart(3, '0')}`, cmid: cmid(c), isVm: c % 3 === 0 });
  }
  // One machine failing on KMS01 (key not supported), three tries.
  for (let k = 0; k < 3; k++) req('KMS01', AT - 2 * DAY + k * 3_600_000, { machine: 'BADPC', cmid: cmid(100), result: 0xc004f042, licenseState: 2, minutesLeft: 43_200 });
  events.push(dnsPublishFailedEvent('KMS01', AT - 3 * DAY, next('KMS01', 'app'), 0x8007232b, 'corp.example'));
  events.push(dnsPublishFailedEvent('KMS01', AT - 2 * DAY, next('KMS01', 'app'), 0x8007232b, 'corp.example'));
  events.push(dnsPublishOkEvent('KMS01', AT - 1 * DAY, next('KMS01', 'app'), 'corp.example'));

  // kms02: 6 servers (N=5), 4 Office clients, a clone, the XSS name, a Notification client, an expiring one.
  for (let s = 0; s < 6; s++) req('kms02', AT - (s + 1) * DAY, { machine: `SRV${s}`, cmid: cmid(200 + s), minimumCount: 5, activationId: SERVER_2022, isVm: true });
  for (let o = 0; o < 4; o++) req('kms02', AT - (o + 2) * DAY, { machine: `OFF${o}`, cmid: cmid(300 + o), minimumCount: 5, activationId: OFFICE_2021 });
  req('kms02', AT - 5 * DAY, { machine: 'CLONE-A', cmid: cmid(400), minimumCount: 5, activationId: SERVER_2022 });
  req('kms02', AT - 4 * DAY, { machine: 'CLONE-B', cmid: cmid(400), minimumCount: 5, activationId: SERVER_2022 });
  req('kms02', AT - 3 * DAY, { machine: XSS_NAME, cmid: cmid(500), minimumCount: 5, activationId: SERVER_2022 });
  req('kms02', AT - 6 * DAY, { machine: 'NAGGED', cmid: cmid(501), minimumCount: 5, activationId: SERVER_2022, licenseState: 5, minutesLeft: 0 });
  req('kms02', AT - 1 * DAY, { machine: 'SOON', cmid: cmid(502), minimumCount: 5, activationId: SERVER_2022, minutesLeft: 3 * 24 * 60 });
  // A lapsed client: last seen 45 days ago.
  req('kms02', AT - 45 * DAY, { machine: 'GONE', cmid: cmid(503), minimumCount: 5, activationId: SERVER_2022 });
  return events.sort((a, b) => a.computer.localeCompare(b.computer) || a.channel.localeCompare(b.channel) || a.recordId - b.recordId);
}

export function fleetEvtx(): Uint8Array {
  return writeEvtx(fleetEvents());
}

/** One Winlogbeat (ECS) NDJSON line per event, as Winlogbeat 8 ships them. */
export function winlogbeatLine(ev: SimEvent): string {
  const eventData: Record<string, string> = {};
  ev.data.forEach((v, i) => {
    if (v !== '') eventData[`param${i + 1}`] = v;
  });
  return JSON.stringify({
    '@timestamp': new Date(ev.time).toISOString(),
    message: ev.message,
    winlog: {
      channel: ev.channel,
      computer_name: ev.computer,
      event_id: String(ev.eventId),
      provider_name: ev.provider,
      record_id: ev.recordId,
      event_data: eventData,
    },
  });
}
