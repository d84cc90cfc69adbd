/**
 * Pairs each 12288 a client logged ("request sent") with the 12289 ("response processed") that
 * answers it (docs/definitions.md "pairing window"). A 12289 names neither the CMID nor the host,
 * so only the computer and the order of its own events tie the two together. The SQL backends keep
 * the pairing on each stored 12288 (queries/client-pairing.ts, the same rule in SQL); the memory
 * store and the tests pair with this module.
 */

import type { ClientEventRow, ClientRequestRow } from '../types.js';

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

/** What pairing reads of an event; `computerKey` is its computer, lower case. */
export interface PairingEvent {
  computerKey: string;
  eventId: number;
  time: number;
  recordId: number | null;
  result: number;
}

/**
 * The order of one computer's events: time, then record id (events without one after those with
 * one), then the 12288 before the 12289; the SQL backends break what remains by storage order, the
 * callers here by their input order (a stable sort).
 */
export function pairingOrder(a: PairingEvent, b: PairingEvent): number {
  if (a.time !== b.time) return a.time - b.time;
  if (a.recordId !== b.recordId) {
    if (a.recordId === null) return 1;
    if (b.recordId === null) return -1;
    return a.recordId - b.recordId;
  }
  return a.eventId - b.eventId;
}

/**
 * For every 12288 among `events` (any computers, any order) the 12289 that answers it, or null: the
 * computer's next event in pairingOrder, if that is a 12289 at most the pairing window later
 * (exactly 5 minutes pairs, 5 minutes and 1 ms does not) and the 12288 is not 0xC004F074.
 */
export function pairEvents<E extends PairingEvent>(events: readonly E[], windowMs = PAIRING_WINDOW_MS): Map<E, E | null> {
  const byComputer = new Map<string, E[]>();
  for (const e of events) {
    if (e.eventId !== 12288 && e.eventId !== 12289) continue;
    const list = byComputer.get(e.computerKey);
    if (list) list.push(e);
    else byComputer.set(e.computerKey, [e]);
  }
  const out = new Map<E, E | null>();
  for (const list of byComputer.values()) {
    list.sort(pairingOrder);
    for (let i = 0; i < list.length; i++) {
      const request = list[i];
      if (request.eventId !== 12288) continue;
      const next = list[i + 1];
      const paired = request.result !== NOT_CONTACTED && next !== undefined && next.eventId === 12289 && next.time - request.time <= windowMs;
      out.set(request, paired ? next : null);
    }
  }
  return out;
}

/**
 * A stored 12288's outcome as of `at`, from the pairing over every stored event of its computer.
 * It equals the pairing of the events up to `at` alone: an answer after `at` answers a 12288 of the
 * last pairing window, which is pending then.
 */
export function outcomeAt(request: { time: number; result: number; answerTime: number | null }, at: number, windowMs = PAIRING_WINDOW_MS): RequestOutcome {
  if (request.result === NOT_CONTACTED) return 'not-contacted';
  if (request.answerTime !== null && request.answerTime <= at) return 'answered';
  return request.time > at - windowMs ? 'pending' : 'no-response';
}

/**
 * Client events (all a computer logged, or all of a window) as Store.pairedClientRequests reads
 * them: every 12288 with its answer, per computer (case-insensitive, in order of first appearance)
 * oldest first; events of one second not told apart by pairingOrder stay in the given order.
 */
export function pairedRequestsOf(events: readonly ClientEventRow[]): ClientRequestRow[] {
  const keyed = events.map((e) => ({ e, computerKey: e.computer.toLowerCase(), eventId: e.eventId, time: e.time, recordId: e.recordId, result: e.result }));
  const out: ClientRequestRow[] = [];
  for (const [request, answer] of pairEvents(keyed)) {
    const { e } = request;
    out.push({
      computer: e.computer, time: e.time, recordId: e.recordId, result: e.result, resultHex: e.resultHex,
      kmsHost: e.fields.kmsHost ?? null, activationId: e.fields.activationId ?? null, minimumCount: e.fields.minimumCount ?? null,
      answer: answer === null ? null : { time: answer.time, result: answer.result, currentCount: answer.e.fields.currentCount ?? null },
    });
  }
  return out;
}
