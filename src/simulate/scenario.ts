/**
 * Builds the simulated fleet from the options and the seed: hosts with their roles, machines and
 * the client agents (one per machine and application) with their starting state. The behaviour
 * over time lives in engine.ts.
 */
import { HostCount } from './host-count.js';
import { Prng } from './prng.js';
import {
  MULTI_SESSION,
  OFFICE_PRODUCTS,
  SERVER_PRODUCTS,
  UNSUPPORTED_PRODUCT,
  WORKSTATION_PRODUCTS,
  type SimProduct,
} from './products.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const RENEWAL_MS = 7 * DAY;
export const RETRY_MS = 2 * HOUR;
export const OOB_GRACE_MS = 30 * DAY;
export const VALIDITY_MIN = 259_200;

export const DOMAIN = 'corp.contoso.com';

export interface SimOptions {
  clients: number;
  hosts: number;
  days: number;
  seed: number;
  /** Start of the period, epoch ms (whole seconds). */
  start: number;
}

export interface SimHost {
  index: number;
  /** Computer name as logged: FQDN. */
  name: string;
  /** File name stem: `kms01`. */
  fileBase: string;
  counts: Map<string, HostCount>;
  kmsRecordId: number;
  appRecordId: number;
  /** This host never reaches the threshold: too few clients. */
  stuck: boolean;
  /** DNS publishing fails (12293) until this time, then succeeds. */
  dnsFailsUntil: number;
  /** The KMS log was cleared; the next KMS event starts a new epoch. */
  clearPending: boolean;
}

export interface SimMachine {
  /** Number of this machine in the fleet (0 …): distinct per name, clones included. */
  id: number;
  name: string;
  cmid: string;
  /** Number of its CMID in the fleet (0 …): shared by a cloned image's machines. */
  cmidIndex: number;
  isVm: boolean;
  host: SimHost;
  /** Client clock offset; beyond 4 h the host answers 0xC004F06C. */
  skewMs: number;
  /** Writes its name in upper case every other request (same machine: not a clone). */
  caseFlips: boolean;
  /** Shared by machines of one cloned image: keeps request times of one CMID distinct. */
  cloneGroup: { lastAt: number } | null;
}

export interface ClientAgent {
  /** Next request time (heap key). */
  at: number;
  kind: 'client';
  machine: SimMachine;
  product: SimProduct;
  licensed: boolean;
  lastActivation: number;
  graceEnd: number;
  /** Stops contacting the host from this time on (lapsed); Infinity when it never does. */
  stopAt: number;
  requests: number;
}

export interface Fleet {
  hosts: SimHost[];
  agents: ClientAgent[];
  /** How many machines (SimMachine.id values) and CMIDs (SimMachine.cmidIndex values) there are. */
  machineCount: number;
  cmidCount: number;
  start: number;
  end: number;
  days: number;
}

export function buildFleet(opts: SimOptions, rng: Prng): Fleet {
  const { start } = opts;
  const end = start + opts.days * DAY;
  const hostCount = Math.max(1, opts.hosts);
  const hosts: SimHost[] = Array.from({ length: hostCount }, (_, i) => {
    const short = `KMS${String(i + 1).padStart(2, '0')}`;
    return {
      index: i,
      name: `${short}.${DOMAIN}`,
      fileBase: short.toLowerCase(),
      counts: new Map(),
      kmsRecordId: 1,
      appRecordId: 1,
      stuck: hostCount >= 2 && i === hostCount - 1,
      dnsFailsUntil: i === (hostCount >= 2 ? 1 : 0) ? start + Math.max(1, Math.floor(opts.days / 3)) * DAY : start,
      clearPending: false,
    };
  });
  const mainHosts = hosts.filter((h) => !h.stuck);
  const stuckHost = hosts.find((h) => h.stuck) ?? null;

  const n = Math.max(1, opts.clients);
  const stuckMachines = stuckHost ? Math.min(12, Math.max(3, Math.floor(n * 0.05))) : 0;
  const servers = Math.min(Math.max(0, n - stuckMachines), Math.max(5, Math.round(n * 0.08)));
  const multiSession = n >= 100 ? 2 : 0;

  const agents: ClientAgent[] = [];
  const machines: SimMachine[] = [];
  let serial = 0;
  let cmids = 0;
  const newMachine = (prefix: string, host: SimHost, isVm: boolean): SimMachine => {
    serial++;
    const m: SimMachine = {
      id: machines.length,
      name: flat(`${prefix}-${String(serial).padStart(5, '0')}.${DOMAIN}`),
      cmid: flat(rng.guid()),
      cmidIndex: cmids++,
      isVm,
      host,
      skewMs: 0,
      caseFlips: false,
      cloneGroup: null,
    };
    machines.push(m);
    return m;
  };

  /** Established: activated before the period, renewing on a 7-day cycle; the host has seen it. */
  const established = (machine: SimMachine, product: SimProduct): ClientAgent => {
    const lastActivation = start - rng.int(7 * 24 * 3600) * 1000;
    countFor(machine.host, product).record(machine.cmidIndex, product.minimumCount, lastActivation);
    return {
      at: lastActivation + RENEWAL_MS + rng.int(1800) * 1000,
      kind: 'client',
      machine,
      product,
      licensed: true,
      lastActivation,
      graceEnd: lastActivation - 1,
      stopAt: Infinity,
      requests: 0,
    };
  };
  /** Fresh install at `installAt`: OOB grace, first request a few minutes after setup. */
  const fresh = (machine: SimMachine, product: SimProduct, installAt: number): ClientAgent => ({
    // Installed before the period: its first logged retry falls somewhere in the first 2 hours.
    at: installAt < start ? start + rng.int(7200) * 1000 : installAt + rng.range(60, 1800) * 1000,
    kind: 'client',
    machine,
    product,
    licensed: false,
    lastActivation: 0,
    graceEnd: installAt + OOB_GRACE_MS,
    stopAt: Infinity,
    requests: 0,
  });
  const installDuring = () => start + rng.int(Math.max(1, Math.floor(((end - start) * 0.9) / 1000))) * 1000;

  // 1. A host stuck below threshold: a handful of workstations that can never reach 25.
  for (let i = 0; i < stuckMachines; i++) {
    const m = newMachine('LAB', stuckHost!, rng.chance(0.3));
    agents.push(fresh(m, rng.pick(WORKSTATION_PRODUCTS), start - rng.int(20 * 24 * 3600) * 1000));
  }
  // 2. Servers (N-policy 5), mostly VMs.
  for (let i = 0; i < servers; i++) {
    const m = newMachine('SRV', mainHosts[i % mainHosts.length], rng.chance(0.6));
    agents.push(rng.chance(0.15) ? fresh(m, rng.pick(SERVER_PRODUCTS), installDuring()) : established(m, rng.pick(SERVER_PRODUCTS)));
  }
  // 3. Workstations (N-policy 25), a few multi-session hosts (N-policy 5).
  const workstations: ClientAgent[] = [];
  const remaining = Math.max(0, n - stuckMachines - servers);
  for (let i = 0; i < remaining; i++) {
    const product = i < multiSession ? MULTI_SESSION : rng.pick(WORKSTATION_PRODUCTS);
    // DNS SRV round robin spreads clients evenly over the hosts.
    const m = newMachine(i < multiSession ? 'AVD' : 'PC', mainHosts[i % mainHosts.length], rng.chance(0.15));
    const agent = rng.chance(0.15) ? fresh(m, product, installDuring()) : established(m, product);
    workstations.push(agent);
    agents.push(agent);
  }

  // 4. Cloned images: machines sharing one CMID under different names (VDI from an un-generalised image).
  const cloneGroups = remaining >= 40 ? Math.max(1, Math.floor(remaining / 400)) : 0;
  for (let g = 0; g < cloneGroups; g++) {
    const source = workstations[multiSession + g * 7];
    const group = { lastAt: 0 };
    source.machine.cloneGroup = group;
    source.machine.isVm = true;
    for (let k = 1; k <= 2; k++) {
      const m: SimMachine = {
        ...source.machine,
        id: machines.length,
        name: `VDI-${String(g + 1).padStart(2, '0')}-${k}.${DOMAIN}`,
        cloneGroup: group,
      };
      machines.push(m);
      agents.push({ ...fresh(m, source.product, start + rng.int(3 * 24 * 3600) * 1000) });
    }
  }

  // 5. Clock skew beyond 4 h: every request fails with 0xC004F06C.
  const skewed = n >= 50 ? 2 : n >= 20 ? 1 : 0;
  for (let i = 0; i < skewed && i < workstations.length; i++) {
    const a = workstations[workstations.length - 1 - i];
    a.machine.skewMs = (i % 2 ? -6 : 5) * HOUR + rng.int(3600) * 1000;
    Object.assign(a, fresh(a.machine, a.product, start - rng.int(5 * 24 * 3600) * 1000));
  }

  // 6. Office on ~30% of workstations (at least 5): same CMID and name as Windows, its own count.
  const officeCandidates = workstations.filter((a) => a.machine.skewMs === 0 && !a.machine.cloneGroup);
  const officeCount = Math.min(officeCandidates.length, Math.max(5, Math.round(officeCandidates.length * 0.3)));
  const unsupported = n >= 60 ? 2 : n >= 30 ? 1 : 0;
  for (let i = 0; i < officeCount; i++) {
    const win = officeCandidates[Math.floor((i * officeCandidates.length) / officeCount)];
    if (i < unsupported) {
      agents.push(fresh(win.machine, UNSUPPORTED_PRODUCT, installDuring()));
    } else if (win.licensed) {
      agents.push(established(win.machine, rng.pick(OFFICE_PRODUCTS)));
    } else {
      agents.push(fresh(win.machine, rng.pick(OFFICE_PRODUCTS), win.graceEnd - OOB_GRACE_MS));
    }
  }

  // 7. One machine writes its name in two cases (one machine, not a clone).
  const flipper = workstations.find((a) => !a.machine.cloneGroup && a.machine.skewMs === 0);
  if (flipper) flipper.machine.caseFlips = true;

  // 8. Lapsed: ~3% of machines stop contacting at some point (decommissioned).
  for (const a of agents) {
    if (a.machine.host.stuck || a.machine.skewMs !== 0 || a.machine.cloneGroup) continue;
    if (rng.chance(0.03)) a.stopAt = start + DAY + rng.int(Math.max(1, Math.floor((end - start - DAY) / 1000))) * 1000;
  }
  // Office and Windows of one machine lapse together.
  const stopByCmid = new Map<string, number>();
  for (const a of agents) if (a.stopAt !== Infinity && a.product.application === 'Windows') stopByCmid.set(a.machine.cmid, a.stopAt);
  for (const a of agents) if (a.product.application !== 'Windows') a.stopAt = stopByCmid.get(a.machine.cmid) ?? a.stopAt;

  return { hosts, agents, machineCount: machines.length, cmidCount: cmids, start, end, days: opts.days };
}

/**
 * The same text as one flat string. A string built by concatenation is a tree of its pieces until
 * something flattens it (a GUID from nine pieces takes a few hundred bytes): with 200,000 machines
 * each holding a name and a CMID for the whole run, that tree is most of the fleet's memory.
 */
function flat(s: string): string {
  const codes = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) codes[i] = s.charCodeAt(i);
  return String.fromCharCode(...codes);
}

export function countFor(host: SimHost, product: SimProduct): HostCount {
  let c = host.counts.get(product.application);
  if (!c) host.counts.set(product.application, (c = new HostCount()));
  return c;
}
