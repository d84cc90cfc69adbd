/**
 * Hostile machine and host names, as whoever sends a KMS request may choose them, in a Winlogbeat
 * NDJSON export (JSON carries every control character, NUL included) and an EVTX file (written by
 * src/evtx/writer; EVTX strings hold no NUL), plus a file whose own name is hostile.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeEvtx, type EvtxEventInput } from '../../src/evtx/writer/index.js';

export const HOSTILE = {
  /** ESC [2J clears the screen. */
  clear: 'PC-\u001b[2J-clear',
  /** OSC 0 sets the window title, ended by BEL. */
  title: 'PC-\u001b]0;pwned\u0007-title',
  nul: 'PC-\u0000-nul',
  /** U+009B is a one-character CSI on terminals that honour C1 controls. */
  csi: 'PC-\u009b31m-csi',
  /** U+202E (right-to-left override): what follows reads backwards. */
  rlo: 'PC-\u202etxt.exe',
  crlf: 'PC-\r\nINJECTED',
  long: 'L'.repeat(5000),
  formula: '=HYPERLINK("http://evil.test","click")',
} as const;

/** The host of the first two requests: a hostile KMS host name too. */
export const HOSTILE_HOST = 'KMS-\u001b[2J-host';
export const GOOD_HOST = 'kms01.contoso.test';
/** clear and title share this CMID: a clone between two hostile names. */
export const SHARED_CMID = '00000000-0000-4000-8000-000000000099';
const ACTIVATION_ID = '2de67392-b7a7-462a-b1ca-108dd189f588'; // Windows 10/11 Pro (kms-events.md §1.3 seed)
/** 2026-02-20T00:00Z: the requests are one hour apart from 01:00; --at 2026-03-01 puts them in the window. */
const BASE = Date.UTC(2026, 1, 20);
const HOUR = 3_600_000;

interface Request {
  host: string;
  machine: string;
  cmid: string;
  time: number;
  result: string;
  recordId: number;
}

/** Per name: a success (state 1) and a failure 0xC004F042 (state 2) half an hour later. */
export function hostileRequests(): Request[] {
  const out: Request[] = [];
  let recordId = 1;
  Object.values(HOSTILE).forEach((machine, i) => {
    const n = i + 1;
    const host = n === 1 ? HOSTILE_HOST : GOOD_HOST;
    const cmid = n <= 2 ? SHARED_CMID : `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    out.push({ host, machine, cmid, time: BASE + n * HOUR, result: '0x0', recordId: recordId++ });
    out.push({ host, machine, cmid, time: BASE + n * HOUR + HOUR / 2, result: '0xC004F042', recordId: recordId++ });
  });
  return out;
}

function fields(r: Request): string[] {
  const t = new Date(r.time);
  const clientTime = `${t.getUTCFullYear()}/${t.getUTCMonth() + 1}/${t.getUTCDate()} ${t.getUTCHours()}:${String(t.getUTCMinutes()).padStart(2, '0')}`;
  const state = r.result === '0x0' ? '1' : '2';
  return [r.result, '25', r.machine, r.cmid, clientTime, '0', state, '43200', ACTIVATION_ID];
}

/** Winlogbeat lines (formats.md §3.1): the requests, then a foreign event 1337 whose data is hostile (an anomaly). */
export function hostileNdjson(): string {
  const lines = hostileRequests().map((r) => {
    const f = fields(r);
    const eventData = Object.fromEntries(f.map((v, i) => [`param${i + 2}`, v]));
    return JSON.stringify({
      '@timestamp': new Date(r.time).toISOString(),
      winlog: { channel: 'Key Management Service', computer_name: r.host, event_data: eventData, event_id: '12290', provider_name: 'Microsoft-Windows-Security-SPP', record_id: r.recordId },
    });
  });
  lines.push(
    JSON.stringify({
      '@timestamp': '2026-02-21T00:00:00Z',
      winlog: { channel: 'Key Management Service', computer_name: GOOD_HOST, event_data: { param1: HOSTILE.clear + HOSTILE.title + HOSTILE.rlo }, event_id: '1337', provider_name: 'Persistence', record_id: 100 },
    }),
  );
  return lines.join('\n') + '\n';
}

/** The same requests as an EVTX (without the NUL name: an EVTX string ends at NUL), host HOSTILE_HOST. */
export function hostileEvtx(): Uint8Array {
  const events: EvtxEventInput[] = hostileRequests()
    .filter((r) => !r.machine.includes('\u0000'))
    .map((r) => {
      const f = fields(r);
      return {
        provider: 'Microsoft-Windows-Security-SPP',
        eventSourceName: 'KmsRequests',
        eventId: 12290,
        qualifiers: 16384,
        level: 4,
        keywords: 0x80000000000000n,
        time: r.time,
        recordId: r.recordId,
        channel: 'Key Management Service',
        computer: HOSTILE_HOST,
        data: [f.join(','), ...f],
      };
    });
  return writeEvtx(events);
}

export interface HostileFixture {
  dir: string;
  /** Holds hostile.ndjson and badlyNamed. */
  exports: string;
  ndjson: string;
  evtx: string;
  /** Not an export, and its name carries ESC [2J and U+202E. */
  badlyNamed: string;
  /** sources: every file in exports (badlyNamed is an issue each run); mail from/to set, so notify/collect/watch have a mail to show. */
  config: string;
}

export function writeHostileFixture(dir: string): HostileFixture {
  const exports = path.join(dir, 'exports');
  mkdirSync(exports, { recursive: true });
  const ndjson = path.join(exports, 'hostile.ndjson');
  writeFileSync(ndjson, hostileNdjson());
  const evtx = path.join(dir, 'hostile.evtx');
  writeFileSync(evtx, hostileEvtx());
  const badlyNamed = path.join(exports, 'evil-\u001b[2J-\u202e.ndjson');
  writeFileSync(badlyNamed, '{"not": "an event"\n');
  const config = path.join(dir, 'kmswatch.yaml');
  writeFileSync(config, `sources:\n  - files: "exports/*"\nmail:\n  from: kmswatch@contoso.test\n  to: admins@contoso.test\n`);
  return { dir, exports, ndjson, evtx, badlyNamed, config };
}
