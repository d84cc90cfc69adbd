import { afterEach, describe, expect, it } from 'vitest';
import { NotifyError } from '../../src/notify/errors.js';
import { runNotify } from '../../src/notify/notify.js';
import { createSmtpTransport } from '../../src/notify/transport.js';
import { onlyRules, storeWith } from '../alerts/evaluate.js';
import { AT, HOUR, req } from '../alerts/records.js';
import { startSmtp, type TestSmtp } from './smtp.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const FORMULA = "=cmd|' /C calc'!A0";

let smtp: TestSmtp | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

/**
 * kms01: 3 Windows clients in OOB grace → count 3 < 25, all three waiting; two carry hostile names.
 * Its stored log begins 3 hours before AT: the count is partial (docs/definitions.md), which the
 * alert's summary says: "… (partial)".
 */
function fleet() {
  return storeWith([
    req('kms01', AT - 3 * HOUR, 'cmid-1', HOSTILE, { licenseState: 2 }),
    req('kms01', AT - 2 * HOUR, 'cmid-2', FORMULA, { licenseState: 2 }),
    req('kms01', AT - 1 * HOUR, 'cmid-3', 'PC3', { licenseState: 2 }),
  ]);
}

const rules = onlyRules(['lowCount']);
const addresses = { from: 'kmswatch@contoso.test', to: ['admins@contoso.test', 'oncall@contoso.test'] };

describe('runNotify over real SMTP', () => {
  it('sends subject, text, escaped HTML and the clients.csv attachment', async () => {
    smtp = await startSmtp();
    const store = await fleet();
    const result = await runNotify(store, { at: AT, rules, transport: createSmtpTransport(smtp.url, {}), ...addresses });
    expect(result.outcome).toBe('sent');
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0];
    expect(mail.subject).toBe('[KMS] CRITICAL kms01: Windows count 3 < 25 (partial)');
    expect(mail.from?.text).toBe('kmswatch@contoso.test');
    expect(smtp.recipients[0]).toEqual(['admins@contoso.test', 'oncall@contoso.test']);

    // Issue 25 changed the body on purpose: the reader's title and a remedy instead of the summary
    // and the alert id. 3 active < 25, the log begins 3 h before AT (partial); all 3 in grace wait.
    expect(mail.text).toContain('[CRITICAL] kms01 counts 3 Windows clients: below the 25 that Windows client editions need (from part of the 30-day window');
    expect(mail.text).toContain('What to do: 3 clients of kms01 wait in grace or notification and activate by themselves once the count reaches 25.');
    expect(mail.text).toContain('3 affected clients (clients.csv)');
    expect(mail.text).toContain('kms01  Windows  current 3  (25 for Windows client editions: NOT met)');
    expect(mail.text).not.toContain('low-count:');

    const html = String(mail.html);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('kms01 counts 3 Windows clients: below the 25 that Windows client editions need');
    expect(html).not.toContain('low-count:');
    expect(html).not.toContain('<table');

    expect(mail.attachments).toHaveLength(1);
    const csv = mail.attachments[0];
    expect(csv.filename).toBe('clients.csv');
    expect(csv.contentType).toBe('text/csv');
    const lines = csv.content.toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('alert_id,severity,host,machine,cmid,application,product,license_state,minimum_count,last_seen,expiry,result');
    expect(lines).toHaveLength(4);
    // Sorted by machine name: '<img…', '=cmd…', 'PC3'. The formula is defused with a leading quote.
    expect(lines[1]).toContain(`,${HOSTILE},cmid-1,Windows,Windows 10/11 Pro,`);
    expect(lines[2]).toContain(`,'=cmd|' /C calc'!A0,cmid-2,`);
    expect(lines[3]).toMatch(/^low-count:kms01:Windows:25,critical,kms01,PC3,cmid-3,Windows,Windows 10\/11 Pro,[^,]+,25,2026-02-28T23:00:00.000Z,/);
  });

  it('sends nothing when nothing is new, unless --always; mails the resolution once', async () => {
    smtp = await startSmtp();
    const store = await fleet();
    const transport = createSmtpTransport(smtp.url, {});
    await runNotify(store, { at: AT, rules, transport, ...addresses });
    const again = await runNotify(store, { at: AT + HOUR, rules, transport, ...addresses });
    expect(again.outcome).toBe('nothing-new');
    expect(smtp.messages).toHaveLength(1);

    const always = await runNotify(store, { at: AT + 2 * HOUR, rules, transport, always: true, ...addresses });
    expect(always.outcome).toBe('sent');
    expect(smtp.messages[1].subject).toBe('[KMS] OK: no new alerts (1 still open)');

    // 24 more clients → 27 ≥ 25 + 2: resolved.
    await store.writeBatch(Array.from({ length: 24 }, (_, i) => req('kms01', AT + 3 * HOUR, `more-${i}`, `M${i}`)));
    const resolved = await runNotify(store, { at: AT + 4 * HOUR, rules, transport, ...addresses });
    expect(resolved.outcome).toBe('sent');
    expect(smtp.messages[2].subject).toBe('[KMS] RESOLVED kms01: Windows count 3 < 25 (partial)');
    expect(smtp.messages[2].attachments).toHaveLength(0);
    expect((await runNotify(store, { at: AT + 5 * HOUR, rules, transport, ...addresses })).outcome).toBe('nothing-new');
    expect(smtp.messages).toHaveLength(3);
  });

  it('a hostile host name cannot add headers and is escaped', async () => {
    smtp = await startSmtp();
    const store = await storeWith([req('kms<b>01\r\nBcc: evil@attacker.test', AT - HOUR, 'c1', 'PC1')]);
    await runNotify(store, { at: AT, rules, transport: createSmtpTransport(smtp.url, {}), ...addresses });
    const mail = smtp.messages[0];
    expect(mail.subject).toBe('[KMS] CRITICAL kms<b>01 Bcc: evil@attacker.test: Windows count 1 < 25 (partial)');
    expect(mail.bcc).toBeUndefined();
    expect(smtp.recipients[0]).not.toContain('evil@attacker.test');
    expect(String(mail.html)).toContain('kms&lt;b&gt;01');
    expect(String(mail.html)).not.toContain('<b>01');
  });

  it('authenticates with KMSWATCH_SMTP_USER / KMSWATCH_SMTP_PASS', async () => {
    const seen: string[] = [];
    smtp = await startSmtp({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, cb) {
        seen.push(`${auth.username}:${auth.password}`);
        if (auth.username === 'svc-kms' && auth.password === 's3cret') cb(null, { user: 'svc-kms' });
        else cb(new Error('bad credentials'));
      },
    });
    const store = await fleet();
    const env = { KMSWATCH_SMTP_USER: 'svc-kms', KMSWATCH_SMTP_PASS: 's3cret' };
    await runNotify(store, { at: AT, rules, transport: createSmtpTransport(smtp.url, env), ...addresses });
    expect(seen).toEqual(['svc-kms:s3cret']);
    expect(smtp.messages).toHaveLength(1);
  });

  it('a refused delivery throws NOTIFY_SEND and leaves the alerts unmailed for the next run', async () => {
    let refuse = true;
    smtp = await startSmtp({
      onRcptTo(_addr, _session, cb) {
        if (refuse) cb(new Error('mailbox unavailable'));
        else cb();
      },
    });
    const store = await fleet();
    const transport = createSmtpTransport(smtp.url, {});
    const err = await runNotify(store, { at: AT, rules, transport, ...addresses }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect(err).toMatchObject({ code: 'NOTIFY_SEND' });
    refuse = false;
    const retry = await runNotify(store, { at: AT + HOUR, rules, transport, ...addresses });
    expect(retry.outcome).toBe('sent');
    expect(smtp.messages[0].subject).toBe('[KMS] CRITICAL kms01: Windows count 3 < 25 (partial)');
  });

  it('dry run renders without sending or saving state', async () => {
    const store = await fleet();
    const result = await runNotify(store, { at: AT, rules, dryRun: true });
    expect(result.outcome).toBe('dry-run');
    expect(result.mail?.subject).toBe('[KMS] CRITICAL kms01: Windows count 3 < 25 (partial)');
    expect(await store.alertStates!()).toEqual([]);
  });
});
