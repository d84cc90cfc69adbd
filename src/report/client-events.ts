/**
 * Whether the clients' own events (12288/12289) reach kmswatch at all: the text report, /metrics
 * and the dashboard say "not collected" rather than "no unanswered client" when they do not.
 * Pure and browser-safe.
 */
import type { ClientSideReport } from '../analysis/types.js';

/** With neither a 12288 nor a 12289 in the window, "no unanswered client" would be a claim about data that is not there. */
export function clientEventsCollected(side: Pick<ClientSideReport, 'requestsSent' | 'responses'> | null | undefined): boolean {
  return side !== null && side !== undefined && side.requestsSent + side.responses > 0;
}
