import { describe, expect, it } from 'vitest';
import type { KmsRecord } from '../../src/kms/types.js';
import { candidatesAt, onlyRules } from './evaluate.js';
import { anomaly, AT, cmid, DAY, HOUR, hostEvent, OFFICE_2019, req } from './records.js';

describe('low-count rule', () => {
  // kms01: 23 Windows CMIDs (N = 25) answered 0x0 in the window → current = min(23, 2 × 25) = 23 < 25: critical.
  //   w-01..w-03 are in OOB grace (state 2), the rest licensed → 3 clients waiting.
  //   w-24 was last seen AT − 31 d (lapsed, not counted, not waiting even though in grace).
  // kms01 Office: 6 CMIDs (N = 5) → current = min(6, 10) = 6; 6 < 5 + margin 2 → warning.
  // kms02 Windows: 27 CMIDs → 27 ≥ 25 + 2 → nothing.
  const records: KmsRecord[] = [
    ...Array.from({ length: 23 }, (_, i) => req('kms01', AT - (i + 1) * HOUR, cmid('w', i + 1), `PC${i + 1}`, { licenseState: i < 3 ? 2 : 1 })),
    req('kms01', AT - 31 * DAY, cmid('w', 24), 'PC24', { licenseState: 2 }),
    ...Array.from({ length: 6 }, (_, i) => req('kms01', AT - (i + 1) * HOUR, cmid('o', i + 1), `OFF${i + 1}`, { product: OFFICE_2019 })),
    ...Array.from({ length: 27 }, (_, i) => req('kms02', AT - (i + 1) * HOUR, cmid('k', i + 1), `K${i + 1}`)),
  ];

  it('reports below-minimum as critical with the waiting clients, within-margin as warning', async () => {
    const alerts = await candidatesAt(records, AT, onlyRules(['lowCount']));
    expect(alerts.map((a) => [a.id, a.severity, a.host, a.summary])).toEqual([
      ['low-count:kms01:Windows:25', 'critical', 'kms01', 'Windows count 23 < 25'],
      ['low-count:kms01:Office:5', 'warning', 'kms01', 'Office count 6, within 2 of 5'],
    ]);
    expect(alerts[0].clients.map((c) => c.machine)).toEqual(['PC1', 'PC2', 'PC3']);
    expect(alerts[0].details).toMatchObject({ current: 23, minimum: 25, waiting: 3 });
    // Office clients need 5 ≤ 6: nobody waits.
    expect(alerts[1].clients).toEqual([]);
  });

  it('margin 0 keeps only the real shortfall', async () => {
    const alerts = await candidatesAt(records, AT, onlyRules(['lowCount'], { lowCount: { margin: 0 } }));
    expect(alerts.map((a) => a.id)).toEqual(['low-count:kms01:Windows:25']);
  });
});

describe('count-forecast rule', () => {
  // kms02: 30 Windows CMIDs last seen at AT − 12 h, AT − 1 d, …, AT − 29 d (one request each).
  // Newest first the 25th is AT − 24 d → the count falls below 25 at AT + 6 d = 2026-03-07, within 14 days.
  // kms03 Office: 6 CMIDs at AT − 1 d … AT − 6 d; the 5th newest is AT − 5 d → below 5 at AT + 25 d,
  // beyond the 14-day horizon → no alert (but one with horizonDays 30).
  const records: KmsRecord[] = [
    req('kms02', AT - 12 * HOUR, cmid('f', 0), 'F0'),
    ...Array.from({ length: 29 }, (_, i) => req('kms02', AT - (i + 1) * DAY, cmid('f', i + 1), `F${i + 1}`)),
    ...Array.from({ length: 6 }, (_, i) => req('kms03', AT - (i + 1) * DAY, cmid('o', i + 1), `O${i + 1}`, { product: OFFICE_2019 })),
  ];

  it('gives the date the count falls below the minimum', async () => {
    const alerts = await candidatesAt(records, AT, onlyRules(['forecast']));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      id: 'count-forecast:kms02:Windows:25',
      severity: 'warning',
      host: 'kms02',
      // kms02's stored log begins AT − 29 d, after the window's start AT − 30 d: the count is partial
      summary: 'Windows count falls below 25 on 2026-03-07 if no new clients arrive (partial)',
      details: { current: 30, minimum: 25, dropsBelowAt: '2026-03-07T00:00:00.000Z', partial: true },
    });
  });

  it('honours the horizon', async () => {
    const alerts = await candidatesAt(records, AT, onlyRules(['forecast'], { forecast: { horizonDays: 30 } }));
    expect(alerts.map((a) => [a.id, a.details.dropsBelowAt])).toEqual([
      ['count-forecast:kms02:Windows:25', '2026-03-07T00:00:00.000Z'],
      ['count-forecast:kms03:Office:5', '2026-03-26T00:00:00.000Z'],
    ]);
  });

  it('uses the last successful request when the latest one failed', async () => {
    // f-00's latest request (AT − 1 h) failed; its last success stays AT − 12 h, so the date is unchanged.
    const withFailure = [...records, req('kms02', AT - HOUR, cmid('f', 0), 'F0', { result: 0xc004f06c })];
    const alerts = await candidatesAt(withFailure, AT, onlyRules(['forecast']));
    expect(alerts.map((a) => a.details.dropsBelowAt)).toEqual(['2026-03-07T00:00:00.000Z']);
  });
});

describe('idle-host rule', () => {
  it('fires after more than N hours without a request', async () => {
    // kms01 last request AT − 30 h (> 24 h): idle. kms02 AT − 24 h exactly: not more than 24 h → quiet.
    const records = [req('kms01', AT - 30 * HOUR, 'a', 'A'), req('kms02', AT - 24 * HOUR, 'b', 'B')];
    const alerts = await candidatesAt(records, AT, onlyRules(['idleHost']));
    expect(alerts.map((a) => [a.id, a.summary])).toEqual([
      // issue 25: durations in days and hours (30 h = 1 day 6 hours)
      ['idle-host:kms01', 'no activation request for 1 day 6 hours (last 2026-02-27 18:00 UTC)'],
    ]);
    const relaxed = await candidatesAt(records, AT, onlyRules(['idleHost'], { idleHost: { hours: 48 } }));
    expect(relaxed).toEqual([]);
  });
});

describe('host event rules', () => {
  it('DNS publishing: open while the last 12293 is newer than the last 12294', async () => {
    const records = [
      hostEvent('kms01', AT - 3 * DAY, 'dns-publish-ok', { domain: 'contoso.com' }),
      hostEvent('kms01', AT - 2 * DAY, 'dns-publish-failed', { domain: 'contoso.com', resultHex: '0x8007232A' }),
      hostEvent('kms02', AT - 5 * DAY, 'dns-publish-failed', { domain: 'fabrikam.com' }),
      hostEvent('kms02', AT - 1 * DAY, 'dns-publish-ok', { domain: 'fabrikam.com' }),
    ];
    const alerts = await candidatesAt(records, AT, onlyRules(['dnsPublish']));
    expect(alerts.map((a) => [a.id, a.severity, a.summary])).toEqual([
      ['dns-publish-failed:kms01', 'warning', 'DNS publishing failed in contoso.com (0x8007232A), last 2026-02-27 00:00 UTC'],
    ]);
  });

  it('KMS failed to start: open until a request is processed after it, within the look-back', async () => {
    const records = [
      hostEvent('kms04', AT - DAY, 'kms-start-failed', { resultHex: '0xC004F074' }),
      hostEvent('kms05', AT - 2 * DAY, 'kms-start-failed'),
      req('kms05', AT - DAY, 'x', 'X'), // served after the failure → recovered
      hostEvent('kms06', AT - 10 * DAY, 'kms-start-failed'), // older than 7 days
    ];
    const alerts = await candidatesAt(records, AT, onlyRules(['kmsStart']));
    expect(alerts.map((a) => [a.id, a.severity, a.host])).toEqual([['kms-start-failed:kms04', 'critical', 'kms04']]);
  });
});

describe('clone rule', () => {
  it('one alert per CMID under several machine names; case differences are not clones', async () => {
    const records = [
      req('kms01', AT - 3 * DAY, 'dup-1', 'PC-A'),
      req('kms01', AT - 2 * DAY, 'dup-1', 'PC-B'),
      req('kms01', AT - 2 * DAY, 'same-1', 'PC-C'),
      req('kms01', AT - DAY, 'same-1', 'pc-c'),
      req('kms01', AT - 40 * DAY, 'old-1', 'OLD-A'),
      req('kms01', AT - 35 * DAY, 'old-1', 'OLD-B'), // last seen 35 days ago: outside the 30-day look-back
    ];
    const alerts = await candidatesAt(records, AT, onlyRules(['clone']));
    expect(alerts.map((a) => [a.id, a.host, a.summary])).toEqual([['clone:dup-1', 'kms01', 'CMID dup-1 used by 2 machines: PC-A, PC-B']]);
  });
});

describe('failure-spike rule', () => {
  it('per host and result: at least 10 failed requests from at least 3 machines in 24 h', async () => {
    // 0xC004F06C: machines M1..M3, 4 + 3 + 3 = 10 requests in the last 24 h → alert.
    // 0xC004F042: 9 machines × 1 request = 9 < 10 → quiet. One more 0xC004F042 at AT − 25 h is outside.
    const skew = 0xc004f06c;
    const wrong = 0xc004f042;
    const records = [
      ...[1, 2, 3, 4].map((h) => req('kms01', AT - h * HOUR, 'm1', 'M1', { result: skew })),
      ...[1, 2, 3].map((h) => req('kms01', AT - h * HOUR, 'm2', 'M2', { result: skew })),
      ...[1, 2, 3].map((h) => req('kms01', AT - h * HOUR, 'm3', 'M3', { result: skew })),
      ...Array.from({ length: 9 }, (_, i) => req('kms01', AT - HOUR, `n${i}`, `N${i}`, { result: wrong })),
      req('kms01', AT - 25 * HOUR, 'n9', 'N9', { result: wrong }),
    ];
    const alerts = await candidatesAt(records, AT, onlyRules(['failureSpike']));
    expect(alerts.map((a) => [a.id, a.summary])).toEqual([
      ['failure-spike:kms01:0xC004F06C', '10 requests failed with 0xC004F06C from 3 machines in 24 h'],
    ]);
    expect(alerts[0].clients.map((c) => c.machine)).toEqual(['M1', 'M2', 'M3']);
  });
});

describe('client state rules', () => {
  it('notification: clients (not lapsed) whose latest request is in state 5, per host', async () => {
    const records = [
      req('kms01', AT - DAY, 'n1', 'N1', { licenseState: 5, minutesLeft: 0 }),
      req('kms01', AT - 2 * DAY, 'n2', 'N2', { licenseState: 5, minutesLeft: 0 }),
      req('kms01', AT - 31 * DAY, 'n3', 'N3', { licenseState: 5, minutesLeft: 0 }), // lapsed
      req('kms01', AT - 3 * DAY, 'n4', 'N4', { licenseState: 5, minutesLeft: 0 }),
      req('kms01', AT - DAY, 'n4', 'N4', { licenseState: 1 }), // n4 activated since
    ];
    const alerts = await candidatesAt(records, AT, onlyRules(['notification']));
    expect(alerts.map((a) => [a.id, a.summary])).toEqual([['notification:kms01', '2 clients in Notification state']]);
    expect(alerts[0].clients.map((c) => c.machine)).toEqual(['N1', 'N2']);
  });

  it('expiring: expiry = last seen + minutes left, within 14 days', async () => {
    // e1: AT − 1 d + 10 d (14,400 min) = AT + 9 d = 2026-03-10 → within 14 days.
    // e2: AT − 1 d + 30 d (43,200 min) = AT + 29 d → not within. e3: 0 minutes left → no expiry.
    const records = [
      req('kms01', AT - DAY, 'e1', 'E1', { licenseState: 2, minutesLeft: 14_400 }),
      req('kms01', AT - DAY, 'e2', 'E2', { licenseState: 2, minutesLeft: 43_200 }),
      req('kms01', AT - DAY, 'e3', 'E3', { licenseState: 5, minutesLeft: 0 }),
    ];
    const alerts = await candidatesAt(records, AT, onlyRules(['expiring']));
    expect(alerts.map((a) => [a.id, a.summary])).toEqual([['expiring:kms01', '1 client expiring within 14 days (first 2026-03-10)']]);
    expect(alerts[0].clients[0]).toMatchObject({ machine: 'E1', expiry: AT + 9 * DAY });
  });
});

describe('anomaly rule', () => {
  it('unexpected events within 7 days, per host', async () => {
    const records = [anomaly('kms01', AT - DAY), anomaly('kms01', AT - 2 * DAY), anomaly('kms02', AT - 8 * DAY)];
    const alerts = await candidatesAt(records, AT, onlyRules(['anomalies']));
    expect(alerts.map((a) => [a.id, a.summary])).toEqual([
      ['anomalies:kms01', '2 unexpected events in the KMS log (event 1337), last 2026-02-28 00:00 UTC'],
    ]);
  });
});
