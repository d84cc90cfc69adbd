import { describe, expect, it } from 'vitest';
import { digestSubject } from '../../src/notify/digest.js';
import { csvField, escapeHtml, headerText } from '../../src/notify/escape.js';
import { redact, smtpOptions } from '../../src/notify/transport.js';
import type { AlertState } from '../../src/store/types.js';

describe('smtpOptions', () => {
  it('smtp:// is plain with opportunistic STARTTLS on port 25', () => {
    expect(smtpOptions('smtp://relay.contoso.com', {})).toMatchObject({ host: 'relay.contoso.com', port: 25, secure: false, requireTLS: false, ignoreTLS: false, auth: undefined });
  });
  it('smtps:// is TLS from the start on 465', () => {
    expect(smtpOptions('smtps://relay.contoso.com', {})).toMatchObject({ port: 465, secure: true, requireTLS: false });
  });
  it('starttls=require / never', () => {
    expect(smtpOptions('smtp://relay:587?starttls=require', {})).toMatchObject({ port: 587, requireTLS: true, ignoreTLS: false });
    expect(smtpOptions('smtp://relay?starttls=never', {})).toMatchObject({ requireTLS: false, ignoreTLS: true });
    expect(() => smtpOptions('smtp://relay?starttls=maybe', {})).toThrow(/starttls must be/);
  });
  it('credentials from the environment, or from the URL', () => {
    expect(smtpOptions('smtp://relay', { KMSWATCH_SMTP_USER: 'u', KMSWATCH_SMTP_PASS: 'p' }).auth).toEqual({ user: 'u', pass: 'p' });
    expect(smtpOptions('smtp://me%40x:p%3Ass@relay', {}).auth).toEqual({ user: 'me@x', pass: 'p:ss' });
  });
  it('rejects other schemes without echoing the password', () => {
    expect(() => smtpOptions('http://u:hunter2@relay', {})).toThrow(/^--smtp http:\/\/u:\*\*\*@relay: scheme/);
    expect(redact('smtp://u:hunter2@relay:25')).toBe('smtp://u:***@relay:25');
  });
});

describe('escaping', () => {
  it('HTML', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
  it('header text loses control characters', () => {
    expect(headerText('a\r\nBcc: x\u0000y')).toBe('a Bcc: x y');
  });
  it('CSV quoting and formula guard', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
  });
});

function state(id: string, severity: AlertState['severity'], host: string | null, summary: string): AlertState {
  return { id, rule: 'x', severity, host, summary, details: '{}', status: 'open', firstSeen: 0, lastSeen: 0, resolvedAt: null, notifiedAt: null, resolvedNotifiedAt: null };
}

describe('digestSubject', () => {
  it('leads with the most severe new alert and counts the rest', () => {
    const opened = [state('a', 'critical', 'kms01', 'Windows count 23 < 25'), state('b', 'warning', 'kms02', 'x')];
    const resolved = [state('c', 'warning', 'kms03', 'y')];
    expect(digestSubject({ opened, resolved, ongoing: [] })).toBe('[KMS] CRITICAL kms01: Windows count 23 < 25 (+2 more)');
    expect(digestSubject({ opened: [], resolved, ongoing: [] })).toBe('[KMS] RESOLVED kms03: y');
    expect(digestSubject({ opened: [state('d', 'warning', null, 'CMID c used by 2 machines: A, B')], resolved: [], ongoing: [] })).toBe(
      '[KMS] WARNING: CMID c used by 2 machines: A, B',
    );
    expect(digestSubject({ opened: [], resolved: [], ongoing: [] })).toBe('[KMS] OK: no new alerts');
  });
});
