/**
 * The clients' 12288s with their outcomes as of a time (docs/definitions.md "pairing window"). The
 * rule that pairs a 12288 with the 12289 answering it is the store's (store/rules/client-pairing.ts):
 * the SQL backends keep it on every stored 12288, the memory store applies it when read.
 */
import { outcomeAt, pairedRequestsOf, type RequestOutcome } from '../store/rules/client-pairing.js';
import type { ClientEventRow, ClientRequestRow } from '../store/types.js';

export { NOT_CONTACTED, PAIRING_WINDOW_MINUTES, PAIRING_WINDOW_MS, pairedRequestsOf, type RequestOutcome } from '../store/rules/client-pairing.js';

export interface PairedRequest {
  /** The 12288, with the 12289 that answers it (`answer`, null when none does). */
  request: ClientRequestRow;
  outcome: RequestOutcome;
}

/** Each 12288 with its outcome as of `at` (Store.pairedClientRequests' rows, in their order). */
export function outcomesAt(requests: readonly ClientRequestRow[], at: number): PairedRequest[] {
  return requests.map((request) => ({ request, outcome: outcomeAt({ time: request.time, result: request.result, answerTime: request.answer?.time ?? null }, at) }));
}

/** pairedRequestsOf(events) with their outcomes as of `at`. */
export function pairClientEvents(events: readonly ClientEventRow[], at: number): PairedRequest[] {
  return outcomesAt(pairedRequestsOf(events), at);
}

/** A field's text as a whole number, or null when it is not one. */
export function intOf(text: string | null | undefined): number | null {
  const t = text?.trim() ?? '';
  if (!/^-?\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}
