import path from 'node:path';
import type { Transporter } from 'nodemailer';
import type { KmswatchConfig } from '../alerts/config.js';
import { loadConfig } from '../alerts/load-config.js';
import { parseAddressList, parseSender } from '../notify/addresses.js';
import { createSmtpTransport } from '../notify/transport.js';

/** Mail options given on the command line; they win over the config file. */
export interface MailFlags {
  smtp?: string;
  from?: string;
  to?: string[];
  always?: boolean;
}

export interface RunSettings {
  config: KmswatchConfig;
  /** Folder relative file patterns are read from: the config file's, else the working directory. */
  baseDir: string;
  /** --db, else the config's db (relative to baseDir for a file path), else undefined (KMSWATCH_DB / default). */
  db: string | undefined;
}

/** Loads --config (or the defaults) and folds the command-line mail flags into it. */
export async function loadRunSettings(configFile: string | undefined, dbFlag: string | undefined, mail: MailFlags): Promise<RunSettings> {
  const config = await loadConfig(configFile);
  const baseDir = configFile ? path.dirname(path.resolve(configFile)) : process.cwd();
  config.mail = {
    ...config.mail,
    smtp: mail.smtp ?? config.mail.smtp,
    from: mail.from ?? config.mail.from,
    to: mail.to && mail.to.length > 0 ? mail.to : config.mail.to,
    always: mail.always || config.mail.always,
  };
  // A bad address (a CR/LF above all) is refused before any database is opened or source read.
  if (config.mail.from !== undefined) parseSender(config.mail.from, '--from / mail.from');
  parseAddressList(config.mail.to, '--to / mail.to');
  let db = dbFlag;
  if (db === undefined && config.db !== undefined) {
    db = /^postgres(ql)?:\/\//.test(config.db) || config.db === ':memory:' ? config.db : path.resolve(baseDir, config.db);
  }
  return { config, baseDir, db };
}

export function recipients(config: KmswatchConfig): string[] {
  const to = config.mail.to;
  return to === undefined ? [] : Array.isArray(to) ? to : [to];
}

/** The SMTP transport when mail is configured (smtp + to), else null. */
export function mailTransport(config: KmswatchConfig, env: NodeJS.ProcessEnv): Transporter | null {
  if (!config.mail.smtp || recipients(config).length === 0) return null;
  return createSmtpTransport(config.mail.smtp, env);
}

/** `--to 'a@x, b@x' --to c@x` → ['a@x, b@x', 'c@x']: each value a list, split and checked by src/notify/addresses.ts. */
export function collectAddresses(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
