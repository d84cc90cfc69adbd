import type { KmsApplication } from '../kms/types.js';
import type { ClientRow } from '../store/types.js';
import { plural } from './duration.js';
import { applicationByMinimum } from './thresholds.js';
import { DAY_MS, LAPSED_DAYS } from './time.js';

/**
 * The application a client counts under: its own, or for an Activation ID missing from the product
 * table the one its minimum count makes certain (25: a Windows client edition); null when unsure.
 */
export function countedApplication(c: Pick<ClientRow, 'application' | 'minimumCount'>): KmsApplication | null {
  return c.application === 'Unknown' ? applicationByMinimum(c.minimumCount) : c.application;
}

/**
 * Who a low count of (host, application, minimum) concerns, from the latest request of each client:
 * - `waiting`: that host's clients (not lapsed) that are not activated and need more than the
 *   current count: they activate by themselves once the count is met;
 * - `lapsed`: that host's clients silent for more than 30 days: each one back adds one;
 * - `elsewhere`: clients (not lapsed) whose latest request another host counted (0x0);
 * - `refusedElsewhere`: clients (not lapsed) whose latest request another host refused (non-zero result).
 * A client that reaches no host at all leaves nothing in any KMS log: it cannot be counted here.
 */
export interface CountSources {
  waiting: ClientRow[];
  lapsed: number;
  elsewhere: number;
  refusedElsewhere: number;
}

export function countSources(
  clients: readonly ClientRow[],
  host: string,
  application: KmsApplication,
  current: number,
  at: number,
): CountSources {
  const out: CountSources = { waiting: [], lapsed: 0, elsewhere: 0, refusedElsewhere: 0 };
  for (const c of clients) {
    if (countedApplication(c) !== application) continue;
    const lapsed = at - c.lastSeen > LAPSED_DAYS * DAY_MS;
    if (c.host.toLowerCase() === host.toLowerCase()) {
      if (lapsed) out.lapsed++;
      else if (c.licenseState !== LICENSED && c.minimumCount > current) out.waiting.push(c);
    } else if (!lapsed) {
      if (c.result === 0) out.elsewhere++;
      else out.refusedElsewhere++;
    }
  }
  return out;
}

const LICENSED = 1;

/** Who waits on the count and where the missing clients could come from, with numbers. */
export function lowCountRemedy(host: string, minimum: number, current: number, s: CountSources): string {
  const missing = Math.max(0, minimum - current);
  const parts: string[] = [];
  parts.push(
    s.waiting.length > 0
      ? s.waiting.length === 1
        ? `1 client of ${host} waits in grace or notification and activates by itself once the count reaches ${minimum}.`
        : `${plural(s.waiting.length, 'client')} of ${host} wait in grace or notification and activate by themselves once the count reaches ${minimum}.`
      : `No client of ${host} is waiting on this count.`,
  );
  const from: string[] = [];
  if (s.lapsed > 0) from.push(`${plural(s.lapsed, 'client')} of ${host} silent for more than 30 days (switched off or moved: run slmgr /ato on them)`);
  if (s.elsewhere > 0) from.push(`${plural(s.elsewhere, 'client')} counted by other hosts (point them at ${host} with slmgr /skms ${host}:1688, or retire the extra host so one host counts them all)`);
  if (s.refusedElsewhere > 0) from.push(`${plural(s.refusedElsewhere, 'client')} refused by other hosts (see Failures)`);
  const need = missing > 0 ? `${plural(missing, 'more client')} needed. ` : '';
  parts.push(
    from.length > 0
      ? `${need}More could come from: ${from.join('; ')}.`
      : `${need}Clients that reach no host leave no event here: check that new machines find ${host} (nslookup -type=srv _vlmcs._tcp, TCP 1688).`,
  );
  parts.push('Cloned machines sharing a CMID count once: see Clones.');
  return parts.join(' ');
}
