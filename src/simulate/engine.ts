/**
 * The simulation loop: one time-ordered heap of everything that happens (client requests, host
 * housekeeping, one-off incidents), popped in time order and emitted to per-host outputs, so memory
 * stays bounded by the number of clients, not of events. Rules and timers: kms-events.md §3.
 */
import { KMS_CHANNEL } from '../kms/types.js';
import {
  dnsPublishFailedEvent,
  dnsPublishOkEvent,
  foreignEvent,
  kmsStartFailedEvent,
  licenseCheckEvent,
  requestEvent,
  restartScheduledEvent,
  type RequestFields,
  type SimChannel,
  type SimEvent,
} from './events.js';
import { SlotHeap } from './heap.js';
import { APPLICATION_ID, HOST_PRODUCT, UNSUPPORTED_PRODUCT } from './products.js';
import type { Prng } from './prng.js';
import {
  DAY,
  DOMAIN,
  HOUR,
  MINUTE,
  RENEWAL_MS,
  RETRY_MS,
  VALIDITY_MIN,
  countFor,
  type ClientAgent,
  type Fleet,
  type SimHost,
} from './scenario.js';
import type { TruthRecorder } from './truth.js';

export const RESULT_OK = 0;
export const RESULT_CLOCK_SKEW = 0xc004f06c;
export const RESULT_UNSUPPORTED = 0xc004f042;
export const RESULT_DNS_FAILURE = 0x8007232a;
const CLOCK_SKEW_LIMIT_MS = 4 * HOUR;

export interface SimOutput {
  write(host: SimHost, channel: SimChannel, ev: SimEvent): void;
}

/** Told of every request a host logs, with the host's count for the product's application after it (the clients' own logs). */
export interface RequestObserver {
  request(agent: ClientAgent, at: number, fields: RequestFields, count: number): void;
}

interface HostTask {
  at: number;
  kind: 'task';
  run(at: number): number | null;
}

type Item = ClientAgent | HostTask;

export interface EngineStats {
  requests: number;
  events: number;
}

export function runEngine(fleet: Fleet, rng: Prng, out: SimOutput, truth: TruthRecorder, observer: RequestObserver | null = null): EngineStats {
  // Heap slots: agents by their index in fleet.agents, host tasks after them.
  const items: Item[] = [...fleet.agents];
  const heap = new SlotHeap(items.length + 64);
  const stats: EngineStats = { requests: 0, events: 0 };
  const emitKms = (host: SimHost, ev: SimEvent) => {
    if (host.clearPending) {
      // The store sees a clear on the first event after it (record id back at 1, time later).
      host.clearPending = false;
      truth.logClear(host.name, KMS_CHANNEL, ev.time);
    }
    out.write(host, 'kms', ev);
    stats.events++;
  };
  const nextAppId = (host: SimHost) => host.appRecordId++;
  const emitApp = (host: SimHost, ev: SimEvent, type: string) => {
    out.write(host, 'application', ev);
    truth.hostEvent(host.name, type, ev.time);
    stats.events++;
  };

  for (const h of fleet.hosts) truth.addHost(h.name);
  for (let i = 0; i < fleet.agents.length; i++) heap.push(i, fleet.agents[i].at);
  for (const t of hostTasks(fleet, rng, emitKms, emitApp, nextAppId, truth)) {
    items.push(t);
    heap.push(items.length - 1, t.at);
  }

  while (heap.size > 0 && heap.peekAt() < fleet.end) {
    const slot = heap.pop();
    const item = items[slot];
    if (item.kind === 'task') {
      const next = item.run(item.at);
      if (next !== null) {
        item.at = next;
        heap.push(slot, next);
      }
      continue;
    }
    const agent = item;
    if (agent.at >= agent.stopAt) continue;
    let t = agent.at;
    const group = agent.machine.cloneGroup;
    if (group) {
      if (t <= group.lastAt) t = group.lastAt + 1000;
      group.lastAt = t;
      if (t >= fleet.end) continue;
    }
    agent.at = clientRequest(agent, t, rng, emitKms, truth, observer);
    stats.requests++;
    heap.push(slot, agent.at);
  }
  return stats;
}

/** One request of one client at `t`: log the 12290, update the host's count and the client's state. */
function clientRequest(
  agent: ClientAgent,
  t: number,
  rng: Prng,
  emitKms: (host: SimHost, ev: SimEvent) => void,
  truth: TruthRecorder,
  observer: RequestObserver | null,
): number {
  const { machine, product } = agent;
  const host = machine.host;
  let licenseState: number;
  let minutesLeft: number;
  if (agent.licensed) {
    licenseState = 1;
    minutesLeft = Math.max(0, VALIDITY_MIN - Math.floor((t - agent.lastActivation) / MINUTE));
  } else if (t < agent.graceEnd) {
    licenseState = 2;
    minutesLeft = Math.floor((agent.graceEnd - t) / MINUTE);
  } else {
    licenseState = 5;
    minutesLeft = 0;
  }
  let result = RESULT_OK;
  if (Math.abs(machine.skewMs) > CLOCK_SKEW_LIMIT_MS) result = RESULT_CLOCK_SKEW;
  else if (product === UNSUPPORTED_PRODUCT) result = RESULT_UNSUPPORTED;

  agent.requests++;
  const fields: RequestFields = {
    result,
    minimumCount: product.minimumCount,
    machine: machine.caseFlips && agent.requests % 2 === 0 ? machine.name.toUpperCase() : machine.name,
    cmid: machine.cmid,
    clientTime: t + machine.skewMs,
    isVm: machine.isVm,
    licenseState,
    minutesLeft,
    activationId: product.activationId,
  };
  emitKms(host, requestEvent(host.name, t, host.kmsRecordId++, fields));
  truth.request(host.index, t, fields, product, machine.id, machine.cmidIndex);

  if (result === RESULT_OK) {
    const count = countFor(host, product);
    count.record(machine.cmidIndex, product.minimumCount, t);
    const current = count.current(t);
    observer?.request(agent, t, fields, current);
    if (current >= product.minimumCount) {
      agent.licensed = true;
      agent.lastActivation = t;
      return t + RENEWAL_MS + rng.int(1800) * 1000;
    }
  } else if (observer) {
    // Reading the count expires old entries early, which changes nothing the host later reports.
    observer.request(agent, t, fields, countFor(host, product).current(t));
  }
  return t + RETRY_MS + rng.int(300) * 1000;
}

/** Host housekeeping and incidents as timed tasks. */
function hostTasks(
  fleet: Fleet,
  rng: Prng,
  emitKms: (host: SimHost, ev: SimEvent) => void,
  emitApp: (host: SimHost, ev: SimEvent, type: string) => void,
  nextAppId: (host: SimHost) => number,
  truth: TruthRecorder,
): HostTask[] {
  const tasks: HostTask[] = [];
  const { days, start } = fleet;
  const daily = (first: number, run: (at: number) => void): HostTask => ({
    at: first,
    kind: 'task',
    run(at) {
      run(at);
      return at + DAY + (rng.int(600) - 300) * 1000;
    },
  });

  for (const host of fleet.hosts) {
    const offset = host.index * 7 * MINUTE;
    // DNS publishing (every 24 h): 12293 while DNS fails, 12294 afterwards.
    tasks.push(
      daily(start + 2 * HOUR + offset, (at) => {
        if (at < host.dnsFailsUntil) emitApp(host, dnsPublishFailedEvent(host.name, at, nextAppId(host), RESULT_DNS_FAILURE, DOMAIN), 'dns-publish-failed');
        else emitApp(host, dnsPublishOkEvent(host.name, at, nextAppId(host), DOMAIN), 'dns-publish-ok');
      }),
    );
    // Licensing status check (1003) and the SPP restart schedule (16384): daily noise.
    tasks.push(daily(start + 5 * HOUR + offset, (at) => emitApp(host, licenseCheckEvent(host.name, at, nextAppId(host), APPLICATION_ID.Windows, HOST_PRODUCT.activationId), 'license-check')));
    tasks.push(daily(start + 11 * HOUR + offset, (at) => emitApp(host, restartScheduledEvent(host.name, at, nextAppId(host), at + 10 * MINUTE), 'spp-restart-scheduled')));
    if (host.stuck) {
      tasks.push(once(start + HOUR + offset, (at) => emitApp(host, kmsStartFailedEvent(host.name, at, nextAppId(host), 0xc004f015), 'kms-start-failed')));
    }
  }

  const first = fleet.hosts[0];
  // A foreign event hidden in the KMS log (SharpEventPersist style).
  tasks.push(
    once(start + Math.min(2, days / 2) * DAY + 3 * HOUR + 17 * MINUTE, (at) => {
      const payload = new Uint8Array(48);
      for (let i = 0; i < payload.length; i++) payload[i] = rng.int(256);
      emitKms(first, foreignEvent(first.name, at, first.kmsRecordId++, payload));
      truth.anomaly(at);
    }),
  );
  // The KMS log of the first host is cleared mid-period: record ids restart at 1.
  if (days >= 4) {
    tasks.push(
      once(start + Math.floor(days / 2) * DAY + 10 * HOUR, () => {
        first.kmsRecordId = 1;
        first.clearPending = true;
      }),
    );
  }
  return tasks;
}

function once(at: number, run: (at: number) => void): HostTask {
  return {
    at,
    kind: 'task',
    run(t) {
      run(t);
      return null;
    },
  };
}

