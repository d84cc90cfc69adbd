import { z } from 'zod';

/**
 * The kmswatch config file (YAML or JSON): sources to collect, mail settings and alert rules.
 * Every key is optional; an empty file (or no file) gives the defaults documented in docs/alerts.md.
 */

const severity = z.enum(['critical', 'warning', 'info']);
const positive = z.number().positive();
const count = z.number().int().min(0);

/** Fields every rule has: switch it off, or force its severity. */
const ruleBase = {
  enabled: z.boolean().default(true),
  severity: severity.optional(),
};


export const alertRulesSchema = z
  .strictObject({
    lowCount: z.strictObject({ ...ruleBase, margin: count.default(2) }).prefault({}),
    forecast: z.strictObject({ ...ruleBase, horizonDays: positive.default(14) }).prefault({}),
    idleHost: z.strictObject({ ...ruleBase, hours: positive.default(24) }).prefault({}),
    dnsPublish: z.strictObject({ ...ruleBase }).prefault({}),
    kmsStart: z.strictObject({ ...ruleBase, lookbackDays: positive.default(7) }).prefault({}),
    clone: z.strictObject({ ...ruleBase, lookbackDays: positive.default(30) }).prefault({}),
    failureSpike: z.strictObject({ ...ruleBase, hours: positive.default(24), minRequests: count.default(10), minMachines: count.default(3) }).prefault({}),
    notification: z.strictObject({ ...ruleBase }).prefault({}),
    expiring: z.strictObject({ ...ruleBase, days: positive.default(14) }).prefault({}),
    anomalies: z.strictObject({ ...ruleBase, lookbackDays: positive.default(7) }).prefault({}),
    unknownProduct: z.strictObject({ ...ruleBase }).prefault({}),
    discovery: z
      .strictObject({
        ...ruleBase,
        /** Filled from `discover.knownHosts` when the whole config is read (one list for the report and the rule). */
        knownHosts: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
  })
  .prefault({});

const fileSource = z.strictObject({
  /** A path or glob (`*`, `?`, `**`), relative to the config file. */
  files: z.string().min(1),
  format: z
    .enum(['evtx', 'xml', 'winlogbeat', 'fluentbit', 'nxlog', 'openwec', 'psjson', 'csv-export', 'csv-eventviewer', 'wevtutil-text'])
    .optional(),
  /** Host name for formats without a computer column (Event Viewer CSV/TXT, refused without one). */
  host: z.string().min(1).optional(),
  /** Code page of text exports without a BOM (`cp850` for wevtutil output redirected in cmd.exe). */
  encoding: z.string().min(1).optional(),
});

const wevtutilSource = z.strictObject({
  /** Remote computer for `/r:` ('localhost' or '.' reads the local log without /r:). */
  wevtutil: z.string().min(1),
  /** Computer name as written in the events, when it differs from the /r: name (checkpoint lookup). */
  computer: z.string().min(1).optional(),
  /** Also read 12291/12293/12294 from the Application log. */
  application: z.boolean().default(true),
});

export const sourceSchema = z.union([fileSource, wevtutilSource]);

export const mailSchema = z
  .strictObject({
    smtp: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
    from: z.string().min(3).optional(),
    to: z.union([z.string().min(3), z.array(z.string().min(3)).min(1)]).optional(),
    /** Mail after every run even when nothing is new (the old script's habit). */
    always: z.boolean().default(false),
  })
  .prefault({});

/** `kmswatch discover` and its `collect` step (README "Can clients find a KMS host?"). */
export const discoverSchema = z
  .strictObject({
    /** DNS suffixes to check besides those of the stored KMS hosts and clients. */
    domains: z.array(z.string().min(1)).default([]),
    /** KMS hosts that are legitimate but whose logs are not collected: never reported as rogue. */
    knownHosts: z.array(z.string().min(1)).default([]),
    /** DNS servers to ask (`ip` or `ip:port`); default: this machine's resolvers. */
    dnsServers: z.array(z.string().min(1)).default([]),
    timeoutMs: z.number().int().min(50).max(60_000).default(2000),
    /** `collect` runs a check after its ingest, before alerts are evaluated. */
    collect: z.boolean().default(false),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    db: z.string().min(1).optional(),
    /** IANA zone for exports whose times carry no offset. */
    timezone: z.string().min(1).optional(),
    sources: z.array(sourceSchema).default([]),
    mail: mailSchema,
    alerts: alertRulesSchema,
    discover: discoverSchema,
  })
  .transform((c) => ({
    ...c,
    alerts: { ...c.alerts, discovery: { ...c.alerts.discovery, knownHosts: [...new Set([...c.alerts.discovery.knownHosts, ...c.discover.knownHosts])] } },
  }));

export type KmswatchConfig = z.output<typeof configSchema>;
export type AlertRulesConfig = z.output<typeof alertRulesSchema>;
export type DiscoverConfig = z.output<typeof discoverSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type FileSourceConfig = z.output<typeof fileSource>;
export type WevtutilSourceConfig = z.output<typeof wevtutilSource>;
export type MailConfig = z.output<typeof mailSchema>;

/** The configuration used when no file is given. */
export function defaultConfig(): KmswatchConfig {
  return configSchema.parse({});
}

export function isWevtutilSource(s: SourceConfig): s is WevtutilSourceConfig {
  return 'wevtutil' in s;
}
