// Address lists for --to / --from / mail.to: split on commas, semicolons and spaces; CR/LF refused.
import { afterEach, describe, expect, it } from 'vitest';
import { parseAddressList, parseSender } from '../../src/notify/addresses.js';
import { runNotify } from '../../src/notify/notify.js';
import { createSmtpTransport } from '../../src/notify/transport.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { onlyRules, storeWith } from '../alerts/evaluate.js';
import { AT, HOUR, req } from '../alerts/records.js';
import { runMine } from '../collect/cli.js';
import { startSmtp, type TestSmtp } from './smtp.js';

let smtp: TestSmtp | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

/** kms01: one Windows client in OOB grace → a low-count alert, so there is a mail to send. */
const fleet = () => storeWith([req('kms01', AT - HOUR, 'cmid-1', 'PC1', { licenseState: 2 })]);
const rules = onlyRules(['lowCount']);
const FROM = 'kmswatch@contoso.test';

describe('parseAddressList', () => {
  it('splits on commas, semicolons and spaces; keeps display names, quoted commas included', () => {
    expect(parseAddressList(['a@x.test b@x.test', 'c@x.test,d@x.test; e@x.test', 'Admins <f@x.test>, "Doe, John" <g@x.test> h@x.test'], '--to')).toEqual([
      { name: '', address: 'a@x.test' },
      { name: '', address: 'b@x.test' },
      { name: '', address: 'c@x.test' },
      { name: '', address: 'd@x.test' },
      { name: '', address: 'e@x.test' },
      { name: 'Admins', address: 'f@x.test' },
      { name: 'Doe, John', address: 'g@x.test' },
      { name: '', address: 'h@x.test' },
    ]);
    expect(parseAddressList(undefined, '--to')).toEqual([]);
    expect(parseSender('kmswatch <k@x.test>', '--from')).toEqual({ name: 'kmswatch', address: 'k@x.test' });
  });

  it('refuses CR/LF and other controls, non-addresses and two senders with NOTIFY_ADDRESS', () => {
    for (const bad of ['a@x.test\r\nBcc: evil@y.test', 'a@x.test\nb@x.test', 'a@x.test\rb@x.test', 'a@x.test\u0000']) {
      expect(() => parseAddressList([bad], '--to'), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'NOTIFY_ADDRESS', message: expect.stringContaining('CR/LF') }));
    }
    expect(() => parseAddressList(['admins'], '--to')).toThrow(expect.objectContaining({ code: 'NOTIFY_ADDRESS', message: '--to: "admins" is not an address (name@domain; separate several with commas or spaces)' }));
    expect(() => parseAddressList(['Admins <nobody>'], '--to')).toThrow(expect.objectContaining({ code: 'NOTIFY_ADDRESS' }));
    expect(() => parseSender('a@x.test b@x.test', '--from')).toThrow(expect.objectContaining({ code: 'NOTIFY_ADDRESS', message: '--from: one sender address expected, got 2' }));
  });
});

describe('runNotify over real SMTP', () => {
  it('mails every address of a space- or comma-separated --to', async () => {
    smtp = await startSmtp();
    const result = await runNotify(await fleet(), {
      at: AT,
      rules,
      transport: createSmtpTransport(smtp.url, {}),
      from: FROM,
      to: ['a@contoso.test b@contoso.test', 'c@contoso.test,Oncall <d@contoso.test>'],
    });
    expect(result.outcome).toBe('sent');
    // Before: 'a@contoso.test b@contoso.test' reached nodemailer as one address named "b@contoso.test".
    expect(smtp.recipients[0]).toEqual(['a@contoso.test', 'b@contoso.test', 'c@contoso.test', 'd@contoso.test']);
    const to = smtp.messages[0].to as { value: { name: string; address: string }[] };
    expect(to.value.map((v) => [v.name, v.address])).toEqual([
      ['', 'a@contoso.test'],
      ['', 'b@contoso.test'],
      ['', 'c@contoso.test'],
      ['Oncall', 'd@contoso.test'],
    ]);
  });

  it('a CR/LF in --to or --from is refused before anything is sent (it used to replace the recipient)', async () => {
    smtp = await startSmtp();
    const transport = createSmtpTransport(smtp.url, {});
    const store = await fleet();
    await expect(runNotify(store, { at: AT, rules, transport, from: FROM, to: ['admins@contoso.test\r\nBcc: evil@attacker.test'] })).rejects.toMatchObject({
      name: 'NotifyError',
      code: 'NOTIFY_ADDRESS',
    });
    await expect(runNotify(store, { at: AT, rules, transport, from: `${FROM}\r\nTo: evil@attacker.test`, to: ['admins@contoso.test'] })).rejects.toMatchObject({
      code: 'NOTIFY_ADDRESS',
    });
    // Refused in a dry run too, so a bad config shows before the first real run.
    await expect(runNotify(store, { at: AT, rules, dryRun: true, to: ['a@contoso.test\nb@contoso.test'] })).rejects.toMatchObject({ code: 'NOTIFY_ADDRESS' });
    expect(smtp.messages).toHaveLength(0);
    // Nothing was marked as mailed: the next good run sends the alert.
    await runNotify(store, { at: AT, rules, transport, from: FROM, to: ['admins@contoso.test'] });
    expect(smtp.recipients).toEqual([['admins@contoso.test']]);
  });
});

describe('kmswatch notify --to', () => {
  it("--to 'a@x b@x' mails both; a CR/LF in --to is NOTIFY_ADDRESS, exit 1, before the database is opened", async () => {
    smtp = await startSmtp();
    const store = await fleet();
    const ok = await runMine(['notify', '--smtp', smtp.url, '--from', FROM, '--to', 'a@contoso.test b@contoso.test', '--at', new Date(AT).toISOString()], { store });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(smtp.recipients).toEqual([['a@contoso.test', 'b@contoso.test']]);

    const bad = await runMine(['notify', '--smtp', smtp.url, '--from', FROM, '--to', 'a@contoso.test\r\nevil@attacker.test', '--always'], { store: createMemoryStore() });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^NotifyError NOTIFY_ADDRESS: --to \/ mail\.to: a line break \(CR\/LF\)/);
    expect(bad.opens).toBe(0);
    expect(smtp.messages).toHaveLength(1);
  });
});
