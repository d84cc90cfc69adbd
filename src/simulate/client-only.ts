/**
 * Machines seen only in the clients' own logs (no host log has their requests), each group at
 * least two machines of consecutive numbers so both client-log files carry some of every case:
 * - BRANCH: behind a firewall that drops TCP 1688: 12288 to a collected host, never an answer;
 * - KIOSK: no KMS host could be contacted (0xC004F074); the first names no host at all;
 * - SITE2: activate against a known host whose log is not collected (servers renew; two
 *   workstations stay below 25 and get no answer at all in the last three days); two servers
 *   first tried a collected host without an answer;
 * - LAPTOP: point at a rogue host (vlmcsd-style: it answers every request with 2 × the N-policy).
 * Their times, license states and the known host's count follow the engine's rules (kms-events.md §3).
 */
import { countAnswer, type ClientAnswer, type ClientExchange } from './client-exchange.js';
import { KMS_PORT, RESULT_NOT_CONTACTED } from './client-events.js';
import { HostCount } from './host-count.js';
import type { Prng } from './prng.js';
import { SERVER_PRODUCTS, WORKSTATION_PRODUCTS, type SimProduct } from './products.js';
import { DAY, DOMAIN, MINUTE, OOB_GRACE_MS, RENEWAL_MS, RETRY_MS, VALIDITY_MIN, type Fleet } from './scenario.js';

export const KNOWN_HOST = `kms-site2.${DOMAIN}`;
export const ROGUE_HOST = `vlmcs-rogue.${DOMAIN}`;

type Route = 'no-response' | 'not-contacted' | 'known' | 'rogue';

interface OnlyAgent {
  at: number;
  id: number;
  /** Number in the known host's count. */
  cmidIndex: number;
  name: string;
  cmid: string;
  isVm: boolean;
  product: SimProduct;
  licensed: boolean;
  lastActivation: number;
  graceEnd: number;
  /** Where its request at `at` goes, and the `name:port` its 12288 names. */
  route(at: number): { route: Route; kmsHost: string };
}

export interface ClientOnlyFleet {
  exchanges: ClientExchange[];
  /** Machines added (numbered from the fleet's machineCount on). */
  machineCount: number;
}

const port = (name: string) => `${name.toLowerCase()}:${KMS_PORT}`;

/** The client-only machines' exchanges with their 12288 in [from, until), in time order. */
export function clientOnlyFleet(fleet: Fleet, rng: Prng, from: number, until: number): ClientOnlyFleet {
  const agents: OnlyAgent[] = [];
  const serials = new Map<string, number>();
  const collected = fleet.hosts.map((h) => port(h.name));
  const switchAt = from + Math.floor((until - from) / 3);
  const add = (prefix: string, product: SimProduct, isVm: boolean, route: OnlyAgent['route']): OnlyAgent => {
    const serial = (serials.get(prefix) ?? 0) + 1;
    serials.set(prefix, serial);
    const agent: OnlyAgent = {
      at: from + rng.int(2 * 3600) * 1000,
      id: fleet.machineCount + agents.length,
      cmidIndex: agents.length,
      name: `${prefix}-${String(serial).padStart(5, '0')}.${DOMAIN}`,
      cmid: rng.guid(),
      isVm,
      product,
      licensed: false,
      lastActivation: 0,
      graceEnd: from - rng.int(10 * 24 * 3600) * 1000 + OOB_GRACE_MS,
      route,
    };
    agents.push(agent);
    return agent;
  };
  /** Activated before the window, renewing every 7 days. */
  const establish = (a: OnlyAgent) => {
    a.licensed = true;
    a.lastActivation = from - rng.int(7 * 24 * 3600) * 1000;
    a.at = a.lastActivation + RENEWAL_MS + rng.int(1800) * 1000;
  };

  for (let i = 0; i < 3; i++) {
    const kmsHost = collected[i % collected.length];
    add('BRANCH', rng.pick(WORKSTATION_PRODUCTS), false, () => ({ route: 'no-response', kmsHost }));
  }
  for (let i = 0; i < 3; i++) {
    const kmsHost = i === 0 ? '' : collected[i % collected.length];
    add('KIOSK', rng.pick(WORKSTATION_PRODUCTS), rng.chance(0.5), () => ({ route: 'not-contacted', kmsHost }));
  }
  const known = port(KNOWN_HOST);
  for (let i = 0; i < 4; i++) establish(add('SITE2', rng.pick(SERVER_PRODUCTS), true, () => ({ route: 'known', kmsHost: known })));
  // Workstations retrying every 2 hours (the count stays below 25) that lose the host in the last days.
  const lossAt = until - 3 * DAY;
  for (let i = 0; i < 2; i++) {
    add('SITE2', rng.pick(WORKSTATION_PRODUCTS), false, (at) => ({ route: at < lossAt ? 'known' : 'no-response', kmsHost: known }));
  }
  for (let i = 0; i < 2; i++) {
    const before = collected[0];
    add('SITE2', rng.pick(SERVER_PRODUCTS), true, (at) => (at < switchAt ? { route: 'no-response', kmsHost: before } : { route: 'known', kmsHost: known }));
  }
  const rogue = port(ROGUE_HOST);
  for (let i = 0; i < 3; i++) establish(add('LAPTOP', rng.pick(WORKSTATION_PRODUCTS), false, () => ({ route: 'rogue', kmsHost: rogue })));

  // The known host has counted its established clients' last activations (in time order: HostCount's queue).
  const knownCount = new HostCount();
  for (const a of agents.filter((x) => x.licensed && x.route(x.at).kmsHost === known).sort((x, y) => x.lastActivation - y.lastActivation)) {
    knownCount.record(a.cmidIndex, a.product.minimumCount, a.lastActivation);
  }

  const exchanges: ClientExchange[] = [];
  for (;;) {
    let next: OnlyAgent | null = null;
    for (const a of agents) if (a.at < until && (next === null || a.at < next.at)) next = a;
    if (next === null) break;
    const a = next;
    const t = a.at;
    const { route, kmsHost } = a.route(t);
    let answer: ClientAnswer | null = null;
    if (route === 'known') {
      knownCount.record(a.cmidIndex, a.product.minimumCount, t);
      answer = countAnswer(knownCount.current(t), a.product.minimumCount);
    } else if (route === 'rogue') {
      answer = countAnswer(2 * a.product.minimumCount, a.product.minimumCount);
    }
    const state = licenseState(a, t);
    exchanges.push({
      machineId: a.id,
      computer: a.name,
      cmid: a.cmid,
      isVm: a.isVm,
      product: a.product,
      at: t,
      kmsHost,
      result: route === 'not-contacted' ? RESULT_NOT_CONTACTED : 0,
      licenseState: state.state,
      minutesLeft: state.minutes,
      answer,
    });
    if (answer?.activated) {
      a.licensed = true;
      a.lastActivation = t;
      a.at = t + RENEWAL_MS + rng.int(1800) * 1000;
    } else {
      a.at = t + RETRY_MS + rng.int(300) * 1000;
    }
  }
  return { exchanges, machineCount: agents.length };
}

function licenseState(a: OnlyAgent, t: number): { state: number; minutes: number } {
  if (a.licensed) return { state: 1, minutes: Math.max(0, VALIDITY_MIN - Math.floor((t - a.lastActivation) / MINUTE)) };
  if (t < a.graceEnd) return { state: 2, minutes: Math.floor((a.graceEnd - t) / MINUTE) };
  return { state: 5, minutes: 0 };
}
