/**
 * The clients' own logs (issue 27): every activation attempt of the last 30 days as the client
 * writes it (12288, and 12289 a few seconds later when a host answered), collected centrally into
 * two files, machines split by number parity: even → Winlogbeat NDJSON, odd → a ForwardedEvents
 * XML export. Only the client logs use this module's PRNG: the host logs do not change with it.
 *
 * A computer's events are written in time order and each 12289 before that computer's next
 * 12288 (two products of one machine asking at once wait for each other), so the pairing rule
 * reads back exactly the attempts made; none is left pending at the end of the period.
 */
import path from 'node:path';
import { clientRequestEvent, clientResponseEvent, KMS_PORT } from './client-events.js';
import { countAnswer, type ClientExchange } from './client-exchange.js';
import { clientOnlyFleet, KNOWN_HOST } from './client-only.js';
import { ClientSideRecorder, PAIRING_WINDOW_MS, type TruthClientSide } from './client-side-truth.js';
import { RESULT_OK, type RequestObserver } from './engine.js';
import type { RequestFields } from './events.js';
import { ForwardedXmlOutput } from './outputs/forwarded.js';
import { openOutput, type LogOutput } from './outputs/formats.js';
import { COUNT_WINDOW_MS } from './host-count.js';
import type { Prng } from './prng.js';
import type { ClientAgent, Fleet } from './scenario.js';

export const CLIENT_LOG_FILES = { winlogbeat: 'clients-winlogbeat.ndjson', forwarded: 'clients-forwarded.xml' } as const;
export const CONFIG_FILE = 'kmswatch.yaml';

/** The config beside the logs: the known host whose log is not collected. */
export function clientLogsConfig(knownHosts: readonly string[]): string {
  return `discover:\n  knownHosts:\n${knownHosts.map((h) => `    - ${h}\n`).join('')}`;
}

export class ClientLogs implements RequestObserver {
  readonly files: string[];
  readonly knownHosts = [KNOWN_HOST];
  private readonly outputs: [LogOutput, LogOutput];
  private readonly recorder: ClientSideRecorder;
  /** Client-only exchanges not yet written, in time order. */
  private readonly pending: ClientExchange[];
  private next = 0;
  /** Per machine: time of its last written event (-Infinity: none), its next record id (0: not started). */
  private readonly lastAt: Float64Array;
  private readonly recordIds: Float64Array;
  private readonly from: number;
  private readonly until: number;

  constructor(out: string, fleet: Fleet, private readonly rng: Prng) {
    // The last 30 days of the period (the counting window), 12288s up to one pairing window before its end.
    this.from = Math.max(fleet.start, fleet.end - COUNT_WINDOW_MS);
    this.until = fleet.end - PAIRING_WINDOW_MS;
    const only = clientOnlyFleet(fleet, rng, this.from, this.until);
    this.pending = only.exchanges;
    const machines = fleet.machineCount + only.machineCount;
    this.lastAt = new Float64Array(machines).fill(-Infinity);
    this.recordIds = new Float64Array(machines);
    this.recorder = new ClientSideRecorder(fleet.end, { collected: fleet.hosts.map((h) => h.name), known: this.knownHosts });
    this.files = [path.join(out, CLIENT_LOG_FILES.winlogbeat), path.join(out, CLIENT_LOG_FILES.forwarded)];
    this.outputs = [openOutput('ndjson', this.files[0]), new ForwardedXmlOutput(this.files[1])];
  }

  /** A request the engine's host logged (RequestObserver): the client's side of it. */
  request(agent: ClientAgent, at: number, fields: RequestFields, count: number): void {
    this.drain(at);
    const { machine, product } = agent;
    this.write({
      machineId: machine.id,
      computer: machine.name,
      cmid: machine.cmid,
      isVm: machine.isVm,
      product,
      at: at + machine.skewMs,
      kmsHost: `${machine.host.name.toLowerCase()}:${KMS_PORT}`,
      result: fields.result,
      licenseState: fields.licenseState,
      minutesLeft: fields.minutesLeft,
      // A host that refused the request (clock skew, unsupported product) still answers, activating nothing.
      answer: fields.result === RESULT_OK
        ? countAnswer(count, product.minimumCount)
        : { result: fields.result, statusFlags: 0, activated: false, currentCount: count },
    });
  }

  /** Writes what is left, closes the files and returns truth.json's `clientSide`. */
  finish(): TruthClientSide {
    this.drain(Infinity);
    this.close();
    return this.recorder.build();
  }

  close(): void {
    for (const o of this.outputs) o.close();
  }

  private drain(until: number): void {
    while (this.next < this.pending.length && this.pending[this.next].at <= until) this.write(this.pending[this.next++]);
  }

  private write(x: ClientExchange): void {
    const last = this.lastAt[x.machineId];
    const sent = x.at > last ? x.at : last + 1000;
    if (sent <= this.from || sent > this.until) return;
    const output = this.outputs[x.machineId % 2];
    output.write(
      clientRequestEvent(x.computer, sent, this.recordId(x.machineId), {
        result: x.result,
        statusFlags: 0,
        kmsHost: x.kmsHost,
        cmid: x.cmid,
        clientTime: sent,
        isVm: x.isVm,
        licenseState: x.licenseState,
        minutesLeft: x.minutesLeft,
        activationId: x.product.activationId,
        minimumCount: x.product.minimumCount,
      }),
    );
    this.recorder.sent({ computer: x.computer, time: sent, kmsHost: x.kmsHost, result: x.result, minimumCount: x.product.minimumCount, application: x.product.application });
    this.lastAt[x.machineId] = sent;
    const a = x.answer;
    if (!a) return;
    const processed = sent + this.rng.range(1, 4) * 1000;
    output.write(
      clientResponseEvent(x.computer, processed, this.recordId(x.machineId), {
        result: a.result,
        statusFlags: a.statusFlags,
        activated: a.activated,
        currentCount: a.currentCount,
        clientTime: processed,
      }),
    );
    this.recorder.response({ computer: x.computer, time: processed, result: a.result, currentCount: a.currentCount });
    this.lastAt[x.machineId] = processed;
  }

  /** Each client's Application log has its own record ids, with other events' ids in between. */
  private recordId(machineId: number): number {
    let id = this.recordIds[machineId];
    id = id === 0 ? 1000 + this.rng.int(50_000) : id + 1 + this.rng.int(3);
    this.recordIds[machineId] = id;
    return id;
  }
}
