/**
 * Pairs each 12288 a client logged ("request sent") with the 12289 ("response processed") that
 * answers it (docs/definitions.md "pairing window"). A 12289 names neither the CMID nor the host,
 * so only the computer and the order of its own events tie the two together.
 */
import type { ClientEventRow } from '../store/types.js';

/** How long after a 12288 the same computer's 12289 may come to answer it. */
export const PAIRING_WINDOW_MINUTES = 5;
export const PAIRING_WINDOW_MS = PAIRING_WINDOW_MINUTES * 60_000;

/** 0xC004F074: "No Key Management Service (KMS) could be contacted". */
export const NOT_CONTACTED = 0xc004f074;

/**
 * `answered`: a 12289 followed in the pairing window; `pending`: none yet, but the 12288 is newer
 * than `at` − the window (the answer may still come); `no-response`: none, and the window is over;
 * `not-contacted`: the 12288 itself carries 0xC004F074 (it takes no 12289).
 */
export type RequestOutcome = 'answered' | 'pending' | 'no-response' | 'not-contacted';

export interface PairedRequest {
  request: ClientEventRow;
  response: ClientEventRow | null;
  outcome: RequestOutcome;
}

/**
 * Every 12288 with its outcome, oldest first per computer (computers compared case-insensitively).
 * A 12288 pairs with the first 12289 of its computer that comes after it and before the
 * computer's next 12288, if that 12289 is at most the pairing window later (exactly 5 minutes
 * pairs, 5 minutes and 1 ms does not). Events of one second are ordered by record id when both
 * have one, else the 12288 first.
 */
export function pairClientEvents(events: readonly ClientEventRow[], at: number, windowMs = PAIRING_WINDOW_MS): PairedRequest[] {
  const byComputer = new Map<string, ClientEventRow[]>();
  for (const e of events) {
    const key = e.computer.toLowerCase();
    const list = byComputer.get(key);
    if (list) list.push(e);
    else byComputer.set(key, [e]);
  }
  const out: PairedRequest[] = [];
  for (const list of byComputer.values()) {
    list.sort(eventOrder);
    for (let i = 0; i < list.length; i++) {
      const request = list[i];
      if (request.eventId !== 12288) continue;
      if (request.result === NOT_CONTACTED) {
        out.push({ request, response: null, outcome: 'not-contacted' });
        continue;
      }
      // the first 12289 after it is the only candidate: a later one comes later still
      const next = list[i + 1];
      const response = next !== undefined && next.eventId === 12289 && next.time - request.time <= windowMs ? next : null;
      const outcome: RequestOutcome = response ? 'answered' : request.time > at - windowMs ? 'pending' : 'no-response';
      out.push({ request, response, outcome });
    }
  }
  return out;
}

function eventOrder(a: ClientEventRow, b: ClientEventRow): number {
  if (a.time !== b.time) return a.time - b.time;
  if (a.recordId !== null && b.recordId !== null && a.recordId !== b.recordId) return a.recordId - b.recordId;
  return a.eventId - b.eventId;
}

/** A named field as a whole number, or null when it is not one. */
export function intField(row: ClientEventRow, name: string): number | null {
  const text = row.fields[name]?.trim() ?? '';
  if (!/^-?\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}
