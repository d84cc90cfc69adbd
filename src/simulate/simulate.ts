/**
 * `kmswatch simulate`: builds a seeded fleet, runs it over the period and writes one KMS log and
 * one Application log per host plus truth.json into a folder; with `clientLogs`, also the clients'
 * own events of the last 30 days (client-logs.ts) and a kmswatch.yaml naming the known host.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ClientLogs, clientLogsConfig, CONFIG_FILE } from './client-logs.js';
import { runEngine, type SimOutput } from './engine.js';
import type { SimChannel, SimEvent } from './events.js';
import { openOutput, SIM_FORMATS, type LogOutput, type SimFormat } from './outputs/formats.js';
import { Prng } from './prng.js';
import { buildFleet, type SimHost, type SimOptions } from './scenario.js';
import { TruthRecorder, type Truth } from './truth.js';

export interface SimulateOptions {
  out: string;
  clients?: number;
  hosts?: number;
  days?: number;
  seed?: number;
  format?: SimFormat;
  /** Start of the period (ISO 8601 or epoch ms); default 2025-01-06T00:00:00Z. */
  start?: string | number;
  /**
   * Also write the clients' own logs, kmswatch.yaml and truth.json `clientSide`. Off unless asked
   * for here, so a folder made through this API holds what it always held; the CLI asks by default
   * (`--no-client-logs`).
   */
  clientLogs?: boolean;
}

export interface SimulateResult {
  files: string[];
  truthFile: string;
  truth: Truth;
  requests: number;
  events: number;
  elapsedMs: number;
}

export const SIMULATE_DEFAULTS = { clients: 120, hosts: 3, days: 60, seed: 1, format: 'evtx' as SimFormat, start: '2025-01-06T00:00:00Z' };

export class SimulateError extends Error {
  override readonly name = 'SimulateError';
  constructor(
    message: string,
    readonly code: 'SIMULATE_OPTIONS' | 'SIMULATE_OUTPUT',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function resolveOptions(o: SimulateOptions): SimOptions & { format: SimFormat } {
  const clients = o.clients ?? SIMULATE_DEFAULTS.clients;
  const hosts = o.hosts ?? SIMULATE_DEFAULTS.hosts;
  const days = o.days ?? SIMULATE_DEFAULTS.days;
  const seed = o.seed ?? SIMULATE_DEFAULTS.seed;
  const format = o.format ?? SIMULATE_DEFAULTS.format;
  const startMs = typeof o.start === 'number' ? o.start : Date.parse(o.start ?? SIMULATE_DEFAULTS.start);
  const bad = (what: string) => new SimulateError(`invalid ${what}`, 'SIMULATE_OPTIONS');
  if (!Number.isInteger(clients) || clients < 1 || clients > 10_000_000) throw bad(`--clients ${clients} (1 … 10000000)`);
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > 99) throw bad(`--hosts ${hosts} (1 … 99)`);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw bad(`--days ${days} (1 … 3650)`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw bad(`--seed ${seed} (0 … 4294967295)`);
  if (!SIM_FORMATS.includes(format)) throw bad(`--format ${format} (${SIM_FORMATS.join(' | ')})`);
  if (!Number.isFinite(startMs)) throw bad(`--start ${String(o.start)} (ISO 8601)`);
  // Whole seconds: every export format keeps them (Export-Csv drops milliseconds).
  return { clients, hosts, days, seed, format, start: Math.floor(startMs / 1000) * 1000 };
}

export function simulate(o: SimulateOptions): SimulateResult {
  const began = Date.now();
  const opts = resolveOptions(o);
  try {
    fs.mkdirSync(o.out, { recursive: true });
  } catch (cause) {
    throw new SimulateError(`cannot create output folder ${o.out}`, 'SIMULATE_OUTPUT', { cause });
  }
  const rng = new Prng(opts.seed);
  const fleet = buildFleet(opts, rng.fork());
  // outputs[2 × host index] is the host's KMS log, the next one its Application log.
  const outputs: LogOutput[] = [];
  const files: string[] = [];
  for (const h of fleet.hosts) {
    for (const channel of ['kms', 'application'] as const) {
      const file = path.join(o.out, `${h.fileBase}-${channel}.${opts.format}`);
      outputs.push(openOutput(opts.format, file));
      files.push(file);
    }
  }
  const sink: SimOutput = {
    write(host: SimHost, channel: SimChannel, ev: SimEvent) {
      outputs[2 * host.index + (channel === 'kms' ? 0 : 1)].write(ev);
    },
  };
  const truth = new TruthRecorder(fleet.end, {
    clients: opts.clients,
    hosts: opts.hosts,
    days: opts.days,
    seed: opts.seed,
    format: opts.format,
    start: new Date(opts.start).toISOString(),
  }, { hosts: fleet.hosts.map((h) => h.name), machineCount: fleet.machineCount, cmidCount: fleet.cmidCount });
  // The engine's stream is forked first, so the client logs' own stream changes nothing on the hosts.
  const engineRng = rng.fork();
  let clients: ClientLogs | null = null;
  let stats;
  try {
    if (o.clientLogs) clients = new ClientLogs(o.out, fleet, rng.fork());
    stats = runEngine(fleet, engineRng, sink, truth, clients);
  } catch (err) {
    clients?.close();
    throw err;
  } finally {
    for (const out of outputs) out.close();
  }
  const result = truth.build();
  if (clients) {
    result.clientSide = clients.finish();
    files.push(...clients.files);
    fs.writeFileSync(path.join(o.out, CONFIG_FILE), clientLogsConfig(clients.knownHosts));
  }
  const truthFile = path.join(o.out, 'truth.json');
  fs.writeFileSync(truthFile, JSON.stringify({ ...result, files: files.map((f) => path.basename(f)) }, null, 2) + '\n');
  return { files, truthFile, truth: result, requests: stats.requests, events: stats.events, elapsedMs: Date.now() - began };
}
