import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { alertRulesSchema } from '../../src/alerts/config.js';
import { RULE_NAMES } from '../../src/alerts/types.js';
import type { KmsRecord } from '../../src/kms/types.js';
import { runNotify } from '../../src/notify/notify.js';
import { previewAlertMail } from '../../src/notify/preview.js';
import { createSmtpTransport } from '../../src/notify/transport.js';
import { findChromium } from '../helpers/chromium.js';
import { storeWith } from '../alerts/evaluate.js';
import { anomaly, AT, DAY, HOUR, hostEvent, req } from '../alerts/records.js';
import { startSmtp, type TestSmtp } from './smtp.js';

let smtp: TestSmtp | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

const HOST = 'kms04.lab.contoso.com';
const guid = (n: number) => `6f1c2a3b-4d5e-4f60-8a7b-${String(n).padStart(12, '0')}`;
const UNKNOWN_ID = '00000000-1111-2222-3333-444444444444';

/**
 * Alerts of eight rules: low-count (12 Windows clients of HOST, 3 in grace), idle-host (kms02: last
 * request 3 days ago), dns-publish-failed (HOST, 0x8007232A), clone (one CMID as PC-A and PC-B),
 * failure-spike (10 × 0xC004F06C from 3 machines), notification, anomalies, unknown-product.
 */
function records(): KmsRecord[] {
  return [
    ...Array.from({ length: 12 }, (_, i) => req(HOST, AT - (i + 1) * HOUR, guid(i + 1), `PC-${String(i + 1).padStart(5, '0')}`, { licenseState: i < 3 ? 2 : 1 })),
    req('kms02.lab.contoso.com', AT - 3 * DAY, guid(50), 'SRV-50'),
    hostEvent(HOST, AT - 3 * DAY, 'dns-publish-ok', { domain: 'lab.contoso.com' }),
    hostEvent(HOST, AT - 2 * HOUR, 'dns-publish-failed', { domain: 'lab.contoso.com', resultHex: '0x8007232A' }),
    req(HOST, AT - 3 * HOUR, guid(60), 'PC-A'),
    req(HOST, AT - 2 * HOUR, guid(60), 'PC-B'),
    ...[1, 2, 3, 4].map((h) => req(HOST, AT - h * HOUR, guid(71), 'M1', { result: 0xc004f06c })),
    ...[1, 2, 3].map((h) => req(HOST, AT - h * HOUR, guid(72), 'M2', { result: 0xc004f06c })),
    ...[1, 2, 3].map((h) => req(HOST, AT - h * HOUR, guid(73), 'M3', { result: 0xc004f06c })),
    req(HOST, AT - DAY, guid(80), 'N1', { licenseState: 5, minutesLeft: 0 }),
    anomaly(HOST, AT - DAY),
    req(HOST, AT - HOUR, guid(90), 'U1', { product: UNKNOWN_ID }),
  ];
}

/** `<rule>:…`, the alert ids the store keeps: not for the reader. */
const INTERNAL_ID = new RegExp(`\\b(${RULE_NAMES.join('|')}):`);
const rules = alertRulesSchema.parse({});

describe('the alert mail, read back from an SMTP server', () => {
  it('has a remedy under every alert, no internal id, severity in words and colour', async () => {
    smtp = await startSmtp();
    const store = await storeWith(records());
    const result = await runNotify(store, { at: AT, rules, transport: createSmtpTransport(smtp.url, {}), from: 'kmswatch@contoso.test', to: ['admins@contoso.test'] });
    expect(result.outcome).toBe('sent');
    const opened = result.pending.opened;
    expect(new Set(opened.map((a) => a.rule))).toEqual(
      new Set(['low-count', 'idle-host', 'dns-publish-failed', 'clone', 'failure-spike', 'notification', 'anomalies', 'unknown-product']),
    );
    const [mail] = smtp.messages;

    // text part: every alert line `  [SEVERITY] …` is followed by its remedy
    const text = String(mail.text);
    const lines = text.split('\n');
    const heads = lines.map((l, i) => [l, i] as const).filter(([l]) => /^ {2}\[(CRITICAL|WARNING|INFO)\] /.test(l));
    expect(heads).toHaveLength(opened.length);
    for (const [head, i] of heads) expect(lines[i + 1], head).toMatch(/^ {6}What to do: \S.{40,}/);
    expect(text).not.toMatch(INTERNAL_ID);

    // HTML part: one block per alert, each with a remedy; no table; severity word and colour
    const html = String(mail.html);
    const blocks = html.split('<div style="border-left:').slice(1);
    expect(blocks).toHaveLength(opened.length);
    for (const b of blocks) expect(b).toMatch(/data-remedy="true"><b>What to do:<\/b> \S/);
    expect(html).not.toMatch(INTERNAL_ID);
    expect(html).not.toContain('<table');
    expect(html).toMatch(/background:#b00020;[^"]*">CRITICAL</);
    expect(html).toMatch(/background:#8a5300;[^"]*">WARNING</);
    expect(html).toContain("0x8007232A is &quot;DNS server failure&quot;");
    // count list: HOST counts PC-00001…12, the clone's one CMID, N1 and U1 — an unknown product asking
    // for 25, so a Windows client edition — = 15 Windows (M1–M3 only failed); no "Unknown" entry
    expect(html).toContain('kms04.lab.contoso.com</span></b> · Windows: <b>15</b> counted');
    expect(html).not.toMatch(/· Unknown: /);
  });

  it('keeps CMIDs, dates and names whole at 600 px, with no sideways scroll', async () => {
    const store = await storeWith(records());
    const { html } = await previewAlertMail(store, { at: AT, rules });
    expect(await store.alertStates!()).toEqual([]); // a preview changes nothing stored
    // every CMID and every date shown sits inside a nowrap span (checked in the markup)…
    for (const cmid of [guid(1), guid(60)]) {
      const shown = html.split(cmid).length - 1;
      expect(shown, cmid).toBeGreaterThan(0);
      expect(html.split(`white-space:nowrap">${cmid}`).length - 1, cmid).toBe(shown);
    }
    for (const m of html.matchAll(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/g)) {
      if (html.lastIndexOf('<title>', m.index) > html.lastIndexOf('</title>', m.index)) continue;
      expect(html.slice(m.index - 40, m.index), m[0]).toMatch(/white-space:nowrap">(\(|last |first )?$/);
    }
    // …and a real browser at 600 px draws each on one line and needs no horizontal scroll
    const launch = await findChromium();
    const browser = await chromium.launch({
      executablePath: launch.executablePath,
      env: { ...process.env, ...launch.env } as Record<string, string>,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const page = await (await browser.newContext({ viewport: { width: 600, height: 900 }, javaScriptEnabled: true })).newPage();
      await page.setContent(html);
      const layout = await page.evaluate(() => {
        const spans = Array.from(document.querySelectorAll('span')).filter((s) => s.style.whiteSpace === 'nowrap');
        return {
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          spans: spans.length,
          broken: spans.filter((s) => s.getClientRects().length > 1).map((s) => s.textContent),
        };
      });
      expect(layout.spans).toBeGreaterThan(20);
      expect(layout.broken).toEqual([]);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
