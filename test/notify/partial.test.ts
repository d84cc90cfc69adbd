/**
 * docs/definitions.md "partial": the digest mail marks a count computed from less than the 30-day
 * window, in its text and HTML parts, and the count alert says so. kms-short's stored log covers 12
 * of the 30 days (test/helpers/partial-fleet.ts), kms-full's 40.
 */
import { describe, expect, it } from 'vitest';
import { alertRulesSchema } from '../../src/alerts/config.js';
import { runNotify } from '../../src/notify/notify.js';
import { PARTIAL_COUNT_NOTE } from '../../src/notify/render-text.js';
import { buildMailSummary } from '../../src/notify/summary.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { AT, FULL, SHORT, hostLog, partialFleet } from '../helpers/partial-fleet.js';

describe('the digest mail of a host whose log covers 12 of the 30 days', () => {
  it('marks that host\'s count partial and the other one\'s not', async () => {
    const summary = await buildMailSummary(await partialFleet(createMemoryStore()), AT);
    expect(summary.counts.map((c) => [c.host, c.application, c.partial])).toEqual([[FULL, 'Windows', false], [SHORT, 'Windows', true]]);
  });

  it('says so in the text and the HTML part', async () => {
    const store = await partialFleet(createMemoryStore());
    const result = await runNotify(store, {
      at: AT, rules: alertRulesSchema.parse({}), dryRun: true, always: true, from: 'kmswatch@contoso.test', to: ['admins@contoso.test'],
    });
    const mail = result.mail!;
    const lines = mail.text.split('\n');
    expect(lines.find((l) => l.includes(`${SHORT}  Windows`))).toContain(`— ${PARTIAL_COUNT_NOTE}`);
    expect(lines.find((l) => l.includes(`${FULL}  Windows`))).not.toContain(PARTIAL_COUNT_NOTE);
    // one partial mark in the HTML count table: kms-short's row
    expect(mail.html.match(/data-partial="true"/g)).toHaveLength(1);
    const row = mail.html.split('<tr>').find((r) => r.includes(`>${SHORT}<`) && r.includes('data-partial'));
    expect(row).toContain(PARTIAL_COUNT_NOTE);
  });

  it('marks a count alert of that host partial', async () => {
    // kms-short with 10 of its clients only: count 10 < 25, on 12 days of log
    const store = createMemoryStore();
    await store.writeBatch(hostLog(FULL, 40));
    await store.writeBatch(hostLog(SHORT, 12).filter((r) => Number(r.cmid.slice(-4)) <= 10).map((r, i) => ({ ...r, recordId: i + 1 })));
    const result = await runNotify(store, { at: AT, rules: alertRulesSchema.parse({}), dryRun: true, from: 'kmswatch@contoso.test', to: ['admins@contoso.test'] });
    expect(result.mail!.subject.startsWith(`[KMS] CRITICAL ${SHORT}: Windows count 10 < 25 (partial)`)).toBe(true);
    // the body shows the alert's title (issue 25): 10 counted < 25, from part of the window
    expect(result.mail!.text).toContain(`[CRITICAL] ${SHORT} counts 10 Windows clients: below the 25 that Windows client editions need (from part of the 30-day window`);
  });
});
