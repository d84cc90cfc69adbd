import { stat } from 'node:fs/promises';
import type { Transporter } from 'nodemailer';
import { isWevtutilSource, type FileSourceConfig, type KmswatchConfig, type WevtutilSourceConfig } from '../alerts/config.js';
import { evaluateAlerts, type AlertEvaluation } from '../alerts/run.js';
import { runNotify, type NotifyResult } from '../notify/notify.js';
import type { InputFormat, InputIssue, SourceItem } from '../sources/types.js';
import type { Store } from '../store/types.js';
import { CollectError } from './errors.js';
import { domainsToCheck, runDiscovery } from './discovery.js';
import { DiscoverError } from '../discover/index.js';
import { keepKnownHosts } from '../analysis/client-side-report.js';
import { expandGlob } from './glob.js';
import { requireHostFor } from '../ingest/hosts.js';
import { emptySummary, type IngestSummary } from '../ingest/types.js';
import { execFileRunner, parseWevtutilOutput, planLiveQueries, type CommandRunner } from './wevtutil.js';

/** Store meta key: epoch ms (decimal text) of the last collection in which every source was read. */
export const LAST_SUCCESS_KEY = 'collect.last_success';
/** Store meta key prefix: `<size>:<mtime ms>` of each file already ingested, so unchanged files are skipped. */
export const FILE_KEY_PREFIX = 'collect.file:';

/** What one ingest did: the IngestSummary of src/ingest (docs/architecture.md). */
export type IngestTotals = IngestSummary;

/** src/ingest, passed in (the CLI wires the real one; tests may too). */
export interface Ingestor {
  files(store: Store, files: string[], opts: { format?: InputFormat; host?: string; encoding?: string; timezone: string; skipDamaged?: boolean }): Promise<IngestTotals>;
  events(store: Store, events: AsyncIterable<SourceItem>, opts: { timezone: string }): Promise<IngestTotals>;
}

export interface CollectDeps {
  ingest: Ingestor;
  /** Runs wevtutil; default execFile. */
  runner?: CommandRunner;
  /** Default process.platform; wevtutil sources run only on win32. */
  platform?: NodeJS.Platform;
  /** Mail transport (from mail.smtp / --smtp); null = no mail, alerts are only evaluated. */
  transport?: Transporter | null;
}

export interface CollectOptions {
  config: KmswatchConfig;
  /** Relative file patterns are resolved against this (the config file's folder). */
  baseDir: string;
  timezone: string;
  /** Alerts are evaluated at this instant (default: now). */
  at: number;
  now?: () => number;
  dryRun?: boolean;
  always?: boolean;
  /** Leave out the events of damaged EVTX chunks instead of storing them marked (ingest --skip-damaged). */
  skipDamaged?: boolean;
}

export interface SourceResult {
  /** The pattern, or `wevtutil:HOST`. */
  source: string;
  /** Files matched / skipped as unchanged (file sources). */
  matched?: number;
  unchanged?: number;
  ingested: IngestTotals | null;
  error?: string;
}

export interface CollectResult {
  sources: SourceResult[];
  totals: IngestTotals;
  /** The mail outcome; null when no mail is configured (alerts were still evaluated and stored). */
  notify: NotifyResult | null;
  evaluation: AlertEvaluation | null;
  /** The discovery check run after the ingest (`discover.collect: true`), else null. */
  discovery: CollectDiscovery | null;
  /** Every source was read (no source error, no file that could not be read). */
  ok: boolean;
}

export interface CollectDiscovery {
  domains: string[];
  /** SRV records found over all domains. */
  records: number;
  /** Domains whose lookup could not be answered (the check's failure, not "no record"). */
  lookupsFailed: number;
  /** Why no check ran (no domain to check, a bad DNS server in the config). */
  error?: string;
}

export function emptyTotals(): IngestTotals {
  return emptySummary();
}

function add(into: IngestTotals, s: IngestTotals): void {
  for (const k of ['files', 'events', 'requests', 'hostEvents', 'clientEvents', 'anomalies', 'duplicates', 'ignored', 'logClears', 'damagedKept', 'damagedSkipped'] as const) into[k] += s[k] ?? 0;
  into.issues.push(...s.issues);
  into.notes.push(...(s.notes ?? []));
}

/**
 * One unattended run: ingest what is new from every configured source, evaluate the alerts,
 * mail the digest when something is new. A source that fails is reported and the others go on.
 */
export async function runCollect(store: Store, deps: CollectDeps, opts: CollectOptions): Promise<CollectResult> {
  const sources: SourceResult[] = [];
  for (const src of opts.config.sources) {
    if (isWevtutilSource(src)) sources.push(...(await collectLive(store, deps, src, opts)));
    else sources.push(await collectFiles(store, deps, src, opts));
  }
  const totals = emptyTotals();
  for (const s of sources) if (s.ingested) add(totals, s.ingested);

  // readers without this config (report, serve) tell its known hosts from rogue ones
  if (!opts.dryRun) await keepKnownHosts(store, opts.config.discover.knownHosts);
  // before the alerts, so that they see this check
  const discovery = opts.config.discover.collect ? await collectDiscovery(store, opts) : null;

  const mail = opts.config.mail;
  const to = mail.to === undefined ? [] : Array.isArray(mail.to) ? mail.to : [mail.to];
  let notify: NotifyResult | null = null;
  let evaluation: AlertEvaluation | null = null;
  if (opts.dryRun || deps.transport) {
    notify = await runNotify(store, {
      at: opts.at,
      rules: opts.config.alerts,
      transport: deps.transport ?? undefined,
      from: mail.from,
      to,
      dryRun: opts.dryRun,
      always: opts.always ?? mail.always,
    });
  } else {
    evaluation = await evaluateAlerts(store, { at: opts.at, rules: opts.config.alerts });
  }

  const ok = sources.every((s) => !s.error) && totals.issues.every((i) => !i.fatal);
  if (ok && store.setMeta) await store.setMeta(LAST_SUCCESS_KEY, String((opts.now ?? Date.now)()));
  return { sources, totals, notify, evaluation, discovery, ok };
}

async function collectDiscovery(store: Store, opts: CollectOptions): Promise<CollectDiscovery> {
  const cfg = opts.config.discover;
  const domains = await domainsToCheck(store, cfg.domains, opts.at);
  if (domains.length === 0) return { domains, records: 0, lookupsFailed: 0, error: 'no domain to check: set discover.domains in the config' };
  try {
    const { check } = await runDiscovery(store, { domains, dnsServers: cfg.dnsServers, timeoutMs: cfg.timeoutMs, now: opts.now, save: !opts.dryRun });
    return {
      domains,
      records: check.domains.reduce((n, d) => n + d.records.length, 0),
      lookupsFailed: check.domains.filter((d) => d.status === 'failed').length,
    };
  } catch (err) {
    if (err instanceof DiscoverError) return { domains, records: 0, lookupsFailed: 0, error: err.message };
    throw err;
  }
}

async function collectFiles(store: Store, deps: CollectDeps, src: FileSourceConfig, opts: CollectOptions): Promise<SourceResult> {
  const files = await expandGlob(src.files, opts.baseDir);
  const changed: Array<{ file: string; fingerprint: string | null }> = [];
  for (const file of files) {
    const st = await stat(file).catch(() => null);
    const fingerprint = st ? `${st.size}:${Math.trunc(st.mtimeMs)}` : null;
    if (fingerprint && store.getMeta && (await store.getMeta(FILE_KEY_PREFIX + file)) === fingerprint) continue;
    changed.push({ file, fingerprint });
  }
  const result: SourceResult = { source: src.files, matched: files.length, unchanged: files.length - changed.length, ingested: null };
  if (changed.length === 0) return result;
  try {
    // exports that name no computer need the source's host: without it the source fails, nothing stored
    await requireHostFor(changed.map((c) => c.file), src, 'set host: NAME in this source of the config file');
    result.ingested = await deps.ingest.files(
      store,
      changed.map((c) => c.file),
      { format: src.format, host: src.host, encoding: src.encoding, timezone: opts.timezone, skipDamaged: opts.skipDamaged },
    );
  } catch (err) {
    result.error = (err as Error).message;
    return result;
  }
  if (store.setMeta) {
    const unread = new Set(result.ingested.issues.filter((i) => i.fatal).map((i) => i.file));
    for (const c of changed) if (c.fingerprint && !unread.has(c.file)) await store.setMeta(FILE_KEY_PREFIX + c.file, c.fingerprint);
  }
  return result;
}

async function collectLive(store: Store, deps: CollectDeps, src: WevtutilSourceConfig, opts: CollectOptions): Promise<SourceResult[]> {
  const label = `wevtutil:${src.wevtutil}`;
  const platform = deps.platform ?? process.platform;
  if (platform !== 'win32') {
    const err = new CollectError(`${label}: wevtutil sources run only on Windows (this is ${platform})`, 'COLLECT_PLATFORM', label);
    return [{ source: label, ingested: null, error: err.message }];
  }
  const run = deps.runner ?? execFileRunner;
  const out: SourceResult[] = [];
  try {
    const plans = await planLiveQueries({ remote: src.wevtutil, computer: src.computer, application: src.application }, await store.checkpoints(), run, opts.timezone);
    for (const plan of plans) {
      const source = `${label} ${plan.channel}`;
      try {
        const output = await run('wevtutil', plan.args);
        const ingested = await deps.ingest.events(store, parseWevtutilOutput(output, label, plan.channel, opts.timezone), { timezone: opts.timezone });
        out.push({ source, ingested });
      } catch (err) {
        out.push({ source, ingested: null, error: (err as Error).message });
      }
    }
  } catch (err) {
    out.push({ source: label, ingested: null, error: (err as Error).message });
  }
  return out;
}
