/**
 * One activation attempt as its client sees it: the 12288 it writes and, when a host answered, the
 * 12289. Made from the engine's requests (client-logs.ts) and from the client-only machines
 * (client-only.ts); client-logs.ts turns each into events.
 */
import { FLAG_NOT_ENOUGH_COUNT, RESULT_NOT_ENOUGH_COUNT } from './client-events.js';
import type { SimProduct } from './products.js';

export interface ClientAnswer {
  result: number;
  statusFlags: number;
  activated: boolean;
  currentCount: number;
}

export interface ClientExchange {
  /** Machine number: SimMachine.id for the fleet, after them for the client-only machines. */
  machineId: number;
  computer: string;
  cmid: string;
  isVm: boolean;
  product: SimProduct;
  /** When the client sent it, by its own clock (epoch ms). */
  at: number;
  /** `name:port` the client tried, or ''. */
  kmsHost: string;
  /** The 12288's result. */
  result: number;
  licenseState: number;
  minutesLeft: number;
  answer: ClientAnswer | null;
}

/** What a host that took the request (result 0x0) answers: activated at or above the N-policy, else 0xC004F038. */
export function countAnswer(count: number, minimumCount: number): ClientAnswer {
  return count >= minimumCount
    ? { result: 0, statusFlags: 0, activated: true, currentCount: count }
    : { result: RESULT_NOT_ENOUGH_COUNT, statusFlags: FLAG_NOT_ENOUGH_COUNT, activated: false, currentCount: count };
}
