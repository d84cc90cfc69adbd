import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { smtpOptions } from '../../src/notify/transport.js';
import { startSmtp, type TestSmtp } from './smtp.js';

/**
 * STARTTLS against smtp-server's built-in self-signed certificate. The test accepts that
 * certificate explicitly (tls.rejectUnauthorized: false); a real relay's internal CA goes into
 * NODE_EXTRA_CA_CERTS instead.
 */
let smtp: TestSmtp | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

const message = { from: 'k@contoso.test', to: 'a@contoso.test', subject: 'tls check', text: 'hello' };

function transport(url: string) {
  return nodemailer.createTransport({ ...smtpOptions(url, {}), tls: { rejectUnauthorized: false } });
}

describe('STARTTLS', () => {
  it('smtp:// upgrades when the server offers STARTTLS', async () => {
    const secure: boolean[] = [];
    smtp = await startSmtp({ disabledCommands: [], onMailFrom: (_a, session, cb) => (secure.push(session.secure), cb()) });
    await transport(`smtp://127.0.0.1:${smtp.port}`).sendMail(message);
    expect(secure).toEqual([true]);
  });

  it('starttls=never stays plain even when offered', async () => {
    const secure: boolean[] = [];
    smtp = await startSmtp({ disabledCommands: [], onMailFrom: (_a, session, cb) => (secure.push(session.secure), cb()) });
    await transport(`smtp://127.0.0.1:${smtp.port}?starttls=never`).sendMail(message);
    expect(secure).toEqual([false]);
  });

  it('starttls=require refuses a server without STARTTLS', async () => {
    smtp = await startSmtp(); // STARTTLS disabled
    await expect(transport(`smtp://127.0.0.1:${smtp.port}?starttls=require`).sendMail(message)).rejects.toThrow(/STARTTLS/i);
    expect(smtp.messages).toHaveLength(0);
  });

  it('smtps:// speaks TLS from the first byte', async () => {
    const secure: boolean[] = [];
    smtp = await startSmtp({ secure: true, disabledCommands: [], onMailFrom: (_a, session, cb) => (secure.push(session.secure), cb()) });
    await transport(`smtps://127.0.0.1:${smtp.port}`).sendMail(message);
    expect(secure).toEqual([true]);
  });
});
