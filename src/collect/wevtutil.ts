import { execFile } from 'node:child_process';
import { APPLICATION_CHANNEL, KMS_CHANNEL } from '../kms/types.js';
import { readXmlSource } from '../sources/xml.js';
import type { SourceItem } from '../sources/types.js';
import type { Checkpoint } from '../store/types.js';
import { CollectError } from './errors.js';

/**
 * The live source on Windows: `wevtutil qe` against a KMS host, from the stored checkpoint.
 * Arguments are passed as an array to execFile (no shell), so a host name cannot inject commands;
 * Node quotes arguments with spaces for CreateProcess, which is why the XPath needs no quotes here.
 */

/** Host-side Application-log events kmswatch reads: KMS failed to start, DNS publishing failed / succeeded. */
export const APPLICATION_EVENT_IDS: readonly number[] = [12291, 12293, 12294];

export interface LogQuery {
  /** `/r:` target; undefined, 'localhost' or '.' read the local log. */
  remote?: string;
  channel: string;
  /** Only events with EventRecordID above this (0 = all). */
  afterRecordId: number;
  /** Restrict to these event ids (the Application log). */
  eventIds?: readonly number[];
}

function remoteArgs(remote: string | undefined): string[] {
  return remote && remote !== '.' && remote.toLowerCase() !== 'localhost' ? [`/r:${remote}`] : [];
}

function xpath(afterRecordId: number, eventIds?: readonly number[]): string {
  const conditions: string[] = [];
  if (eventIds && eventIds.length > 0) conditions.push(`(${eventIds.map((id) => `EventID=${id}`).join(' or ')})`);
  conditions.push(`EventRecordID>${Math.max(0, Math.trunc(afterRecordId))}`);
  return `*[System[${conditions.join(' and ')}]]`;
}

/** `wevtutil qe "<channel>" /r:HOST /q:"*[System[EventRecordID>N]]" /f:xml /e:Events` as an argument array. */
export function queryArgs(q: LogQuery): string[] {
  return ['qe', q.channel, ...remoteArgs(q.remote), `/q:${xpath(q.afterRecordId, q.eventIds)}`, '/f:xml', '/e:Events'];
}

/** The newest matching event only (`/c:1 /rd:true`): tells whether the log was cleared since the checkpoint. */
export function newestArgs(q: Omit<LogQuery, 'afterRecordId'>): string[] {
  const filter = q.eventIds && q.eventIds.length > 0 ? [`/q:${xpath(0, q.eventIds)}`] : [];
  return ['qe', q.channel, ...remoteArgs(q.remote), ...filter, '/c:1', '/rd:true', '/f:xml', '/e:Events'];
}

/** Runs a program without a shell and returns its stdout bytes. */
export type CommandRunner = (file: string, args: string[]) => Promise<Uint8Array>;

export const execFileRunner: CommandRunner = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        const detail = Buffer.from(stderr ?? []).toString('utf8').trim() || err.message;
        reject(new CollectError(`${file} ${args.join(' ')}: ${detail}`, 'COLLECT_WEVTUTIL', undefined, { cause: err }));
      } else resolve(stdout);
    });
  });

/** wevtutil's XML output → source items, labelled `wevtutil:HOST`. */
export function parseWevtutilOutput(output: Uint8Array, label: string, channel: string, timezone: string): AsyncIterable<SourceItem> {
  return readXmlSource(
    (async function* () {
      yield output;
    })(),
    { file: label, timezone, channel },
  );
}

/**
 * The stored checkpoint of a host's channel. Events carry the FQDN (`kms01.contoso.com`) while the
 * config may name `kms01`: an exact (case-insensitive) match wins, else the first DNS label.
 */
export function findCheckpoint(checkpoints: readonly Checkpoint[], computer: string, channel: string): Checkpoint | null {
  const want = computer.toLowerCase();
  const inChannel = checkpoints.filter((c) => c.channel.toLowerCase() === channel.toLowerCase());
  const exact = inChannel.find((c) => c.host.toLowerCase() === want);
  if (exact) return exact;
  const label = want.split('.')[0];
  return inChannel.find((c) => c.host.toLowerCase().split('.')[0] === label) ?? null;
}

export interface LiveSource {
  /** `/r:` name from the config. */
  remote: string;
  /** Name as written in the events (checkpoint lookup); defaults to `remote`. */
  computer?: string;
  application: boolean;
}

export interface LiveQueryPlan {
  channel: string;
  args: string[];
  afterRecordId: number;
  /** The log's newest record is below the checkpoint: it was cleared, so everything is read again. */
  cleared: boolean;
}

async function newestRecordId(run: CommandRunner, q: Omit<LogQuery, 'afterRecordId'>, timezone: string): Promise<number | null> {
  const out = await run('wevtutil', newestArgs(q));
  for await (const item of parseWevtutilOutput(out, 'wevtutil', q.channel, timezone)) {
    if (item.ok && item.event.recordId !== undefined) return item.event.recordId;
  }
  return null;
}

/** Builds the queries for one host from the stored checkpoints (probing the newest record to catch cleared logs). */
export async function planLiveQueries(
  source: LiveSource,
  checkpoints: readonly Checkpoint[],
  run: CommandRunner,
  timezone: string,
): Promise<LiveQueryPlan[]> {
  const computer = source.computer ?? source.remote;
  const logs: Array<{ channel: string; eventIds?: readonly number[] }> = [{ channel: KMS_CHANNEL }];
  if (source.application) logs.push({ channel: APPLICATION_CHANNEL, eventIds: APPLICATION_EVENT_IDS });
  const plans: LiveQueryPlan[] = [];
  for (const log of logs) {
    const last = findCheckpoint(checkpoints, computer, log.channel)?.lastRecordId ?? 0;
    let after = last;
    let cleared = false;
    if (last > 0) {
      const newest = await newestRecordId(run, { remote: source.remote, channel: log.channel, eventIds: log.eventIds }, timezone);
      if (newest !== null && newest < last) {
        after = 0;
        cleared = true;
      }
    }
    plans.push({
      channel: log.channel,
      args: queryArgs({ remote: source.remote, channel: log.channel, afterRecordId: after, eventIds: log.eventIds }),
      afterRecordId: after,
      cleared,
    });
  }
  return plans;
}
