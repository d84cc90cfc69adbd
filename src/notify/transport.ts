import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { NotifyError } from './errors.js';

export const SMTP_USER_ENV = 'KMSWATCH_SMTP_USER';
export const SMTP_PASS_ENV = 'KMSWATCH_SMTP_PASS';

/**
 * `--smtp` URL → nodemailer SMTP options.
 *   smtps://host[:465]          TLS from the first byte
 *   smtp://host[:25]            plain, upgraded with STARTTLS when the server offers it
 *   smtp://host:587?starttls=require   refuse to send unless STARTTLS succeeds
 *   smtp://host?starttls=never  never upgrade (test servers, trusted relays)
 * Credentials come from KMSWATCH_SMTP_USER / KMSWATCH_SMTP_PASS (a password in a URL ends up in
 * shell history and process lists); user:pass@ in the URL is still accepted.
 */
export function smtpOptions(url: string, env: NodeJS.ProcessEnv = process.env): SMTPTransport.Options {
  let u: URL;
  try {
    u = new URL(url);
  } catch (err) {
    throw new NotifyError(`--smtp ${redact(url)}: not a URL`, 'NOTIFY_SMTP_URL', { cause: err });
  }
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') {
    throw new NotifyError(`--smtp ${redact(url)}: scheme must be smtp:// or smtps://`, 'NOTIFY_SMTP_URL');
  }
  if (!u.hostname) throw new NotifyError(`--smtp ${redact(url)}: no host`, 'NOTIFY_SMTP_URL');
  const secure = u.protocol === 'smtps:';
  const starttls = u.searchParams.get('starttls') ?? 'auto';
  if (!['auto', 'require', 'never'].includes(starttls)) {
    throw new NotifyError(`--smtp ${redact(url)}: starttls must be auto, require or never`, 'NOTIFY_SMTP_URL');
  }
  const user = u.username ? decodeURIComponent(u.username) : env[SMTP_USER_ENV];
  const pass = u.password ? decodeURIComponent(u.password) : env[SMTP_PASS_ENV];
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 25,
    secure,
    requireTLS: !secure && starttls === 'require',
    ignoreTLS: !secure && starttls === 'never',
    auth: user ? { user, pass: pass ?? '' } : undefined,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  };
}

export function createSmtpTransport(url: string, env: NodeJS.ProcessEnv = process.env): Transporter<SMTPTransport.SentMessageInfo> {
  return nodemailer.createTransport(smtpOptions(url, env));
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
