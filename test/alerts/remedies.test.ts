import { describe, expect, it } from 'vitest';
import { alertRulesSchema } from '../../src/alerts/config.js';
import { RULE_NAMES } from '../../src/alerts/types.js';
import type { KmsRecord } from '../../src/kms/types.js';
import { candidatesAt, onlyRules } from './evaluate.js';
import { anomaly, AT, cmid, DAY, HOUR, hostEvent, OFFICE_2019, req } from './records.js';

const UNKNOWN_ID = '00000000-1111-2222-3333-444444444444'; // not in the product table

/** An alert id as the store keeps it: `<rule>:…` — a reader never needs to see one. */
const INTERNAL_ID = new RegExp(`\\b(${RULE_NAMES.join('|')}):`);

describe('title and remedy on every alert', () => {
  // One fleet that makes every rule fire (each line says which):
  const records: KmsRecord[] = [
    // low-count: kms01 has 3 Windows clients in OOB grace (3 < 25)
    ...[1, 2, 3].map((i) => req('kms01', AT - i * HOUR, cmid('w', i), `PC${i}`, { licenseState: 2 })),
    // count-forecast: kms02 has 26 Windows clients last seen 25 days ago → below 25 in 5 days (≤ 14)
    ...Array.from({ length: 26 }, (_, i) => req('kms02', AT - 25 * DAY, cmid('f', i), `F${i}`)),
    // idle-host: kms02 again (no request for 25 days)
    // dns-publish-failed: kms03's 12293 (0x8007232A) is newer than its 12294
    hostEvent('kms03', AT - 3 * DAY, 'dns-publish-ok', { domain: 'contoso.com' }),
    hostEvent('kms03', AT - 2 * DAY, 'dns-publish-failed', { domain: 'contoso.com', resultHex: '0x8007232A' }),
    // kms-start-failed: kms04 failed to start a day ago, served nothing since
    hostEvent('kms04', AT - DAY, 'kms-start-failed', { resultHex: '0xC004F074' }),
    // clone: one CMID under two machine names
    req('kms05', AT - 3 * DAY, 'dup-1', 'PC-A'),
    req('kms05', AT - 2 * DAY, 'dup-1', 'PC-B'),
    // failure-spike: 10 requests with 0xC004F06C from 3 machines within 24 h
    ...[1, 2, 3, 4].map((h) => req('kms05', AT - h * HOUR, 'm1', 'M1', { result: 0xc004f06c })),
    ...[1, 2, 3].map((h) => req('kms05', AT - h * HOUR, 'm2', 'M2', { result: 0xc004f06c })),
    ...[1, 2, 3].map((h) => req('kms05', AT - h * HOUR, 'm3', 'M3', { result: 0xc004f06c })),
    // notification and expiring: on kms06
    req('kms06', AT - DAY, 'n1', 'N1', { licenseState: 5, minutesLeft: 0 }),
    req('kms06', AT - DAY, 'e1', 'E1', { licenseState: 2, minutesLeft: 14_400 }),
    // anomalies: on kms06
    anomaly('kms06', AT - DAY),
    // unknown-product: on kms07
    req('kms07', AT - HOUR, 'u1', 'U1', { product: UNKNOWN_ID }),
    // discovery: a client's own 12288 names a KMS host nobody knows (a rogue host)
    {
      kind: 'client', host: 'R1', channel: 'Application', eventId: 12288, recordId: 1, time: AT - HOUR, source: 'alerts test', result: 0, resultHex: '0x0',
      fields: { result: '0x0', statusFlags: '0x0', kmsHost: 'vlmcs.example:1688', cmid: 'r1', clientTime: '', vmInfo: '0', licenseState: '1', minutesLeft: '0', activationId: UNKNOWN_ID, minimumCount: '25' },
    },
  ];

  it('every rule gives a title without an internal id, and a remedy', async () => {
    const alerts = await candidatesAt(records, AT, alertRulesSchema.parse({}));
    expect(new Set(alerts.map((a) => a.rule))).toEqual(new Set(RULE_NAMES));
    for (const a of alerts) {
      expect(a.title, a.id).toMatch(/\w{3,}/);
      expect(a.title, a.id).not.toMatch(INTERNAL_ID);
      expect(a.remedy.length, a.id).toBeGreaterThan(40);
      expect(a.remedy, a.id).not.toMatch(INTERNAL_ID);
    }
    const byRule = (rule: string) => alerts.find((a) => a.rule === rule)!;
    expect(byRule('dns-publish-failed').title).toContain('kms03 could not publish its _vlmcs._tcp SRV record to DNS in contoso.com (0x8007232A)');
    expect(byRule('dns-publish-failed').remedy).toMatch(/^0x8007232A is "DNS server failure".*_vlmcs\._tcp SRV record in the contoso\.com zone/);
    // 25 days without a request: "25 days", not "600 h"
    expect(byRule('idle-host').title).toBe('kms02 has served no activation request for 25 days (last 2026-02-04 00:00 UTC)');
    // the 25th newest of 26 clients all seen at AT − 25 d: below 25 at AT + 5 d = 2026-03-06
    expect(byRule('count-forecast').title).toContain('kms02 counts 26 Windows clients; without new or returning clients the count falls below the 25 that Windows client editions need on 2026-03-06');
    expect(byRule('failure-spike').remedy).toContain('w32tm /resync'); // 0xC004F06C: the clocks
    expect(byRule('clone').remedy).toContain('slmgr /rearm');
  });
});

describe('low-count remedy: who waits and where more could come from', () => {
  // kms01: 23 Windows clients counted (AT − i h), w-01..w-03 in OOB grace → 3 waiting; w-24 last
  //   seen AT − 31 d → 1 lapsed client of kms01.
  // kms02: 27 Windows clients counted → 27 counted by other hosts; k-99 refused (0xC004F042) → 1.
  // Office clients of kms02 are another application: not counted for Windows.
  const records: KmsRecord[] = [
    ...Array.from({ length: 23 }, (_, i) => req('kms01', AT - (i + 1) * HOUR, cmid('w', i + 1), `PC${i + 1}`, { licenseState: i < 3 ? 2 : 1 })),
    req('kms01', AT - 31 * DAY, cmid('w', 24), 'PC24', { licenseState: 2 }),
    ...Array.from({ length: 27 }, (_, i) => req('kms02', AT - (i + 1) * HOUR, cmid('k', i + 1), `K${i + 1}`)),
    req('kms02', AT - HOUR, 'k-99', 'K99', { result: 0xc004f042, licenseState: 2 }),
    ...Array.from({ length: 6 }, (_, i) => req('kms02', AT - HOUR, cmid('o', i + 1), `OFF${i + 1}`, { product: OFFICE_2019 })),
  ];

  it('names the numbers', async () => {
    const [alert] = await candidatesAt(records, AT, onlyRules(['lowCount'], { lowCount: { margin: 0 } }));
    expect(alert.id).toBe('low-count:kms01:Windows:25');
    expect(alert.title).toBe('kms01 counts 23 Windows clients: below the 25 that Windows client editions need');
    expect(alert.remedy).toContain('3 clients of kms01 wait in grace or notification and activate by themselves once the count reaches 25.');
    expect(alert.remedy).toContain('2 more clients needed.');
    expect(alert.remedy).toContain('1 client of kms01 silent for more than 30 days');
    expect(alert.remedy).toContain('27 clients counted by other hosts');
    expect(alert.remedy).toContain('1 client refused by other hosts');
    expect(alert.details).toMatchObject({ waiting: 3, lapsed: 1, elsewhere: 27, refusedElsewhere: 1 });
  });
});

describe('an Activation ID missing from the product table', () => {
  // kms01: 24 Windows 10/11 Pro clients + 1 client of an unknown product asking for 25 (only Windows
  // client editions do) → Windows 25, which meets 25: no low-count alert with margin 0 (before
  // issue 25: "Windows count 24 < 25" and "Unknown count 1 < 25", both critical).
  // The unknown client asking for 5 (Server or Office: not certain) is counted nowhere.
  const records: KmsRecord[] = [
    ...Array.from({ length: 24 }, (_, i) => req('kms01', AT - HOUR, cmid('w', i + 1), `PC${i + 1}`)),
    req('kms01', AT - HOUR, 'u-25', 'U25', { product: UNKNOWN_ID }),
    { ...req('kms01', AT - HOUR, 'u-5', 'U5', { product: UNKNOWN_ID }), minimumCount: 5 },
  ];

  it('is a notice with its remedy, counted as Windows when it asks for 25, never a count of its own', async () => {
    const alerts = await candidatesAt(records, AT, onlyRules(['lowCount', 'forecast', 'unknownProduct'], { lowCount: { margin: 0 } }));
    expect(alerts.filter((a) => a.rule === 'low-count')).toEqual([]);
    expect(alerts.some((a) => /Unknown/.test(a.summary) && a.rule !== 'unknown-product')).toBe(false);
    const notice = alerts.find((a) => a.rule === 'unknown-product')!;
    expect(notice.severity).toBe('info');
    expect(notice.title).toBe(
      `Activation ID ${UNKNOWN_ID} is missing from kmswatch's product table: 1 client asking for 25 (Windows client editions), counted as Windows; ` +
        '1 client asking for 5 (Windows Server and Office: not certain which), left out of the counts',
    );
    expect(notice.remedy).toMatch(/^Update kmswatch/);
    expect(notice.clients.map((c) => c.machine)).toEqual(['U25', 'U5']);
  });

  it('one such client alone is not a false CRITICAL "Unknown count 1 < 25"', async () => {
    const alerts = await candidatesAt([req('kms09', AT - HOUR, 'u-1', 'U1', { product: UNKNOWN_ID })], AT, onlyRules(['lowCount']));
    expect(alerts.map((a) => a.id)).not.toContain('low-count:kms09:Unknown:25');
    // it counts as one Windows client edition, and that count really is below 25
    expect(alerts.map((a) => a.summary)).toEqual(['Windows count 1 < 25 (partial)']);
  });
});
