import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/analysis/duration.js';
import { newestEventTime } from '../../src/analysis/newest.js';
import { buildReport } from '../../src/analysis/report.js';
import type { KmsRecord } from '../../src/kms/types.js';
import { openStore } from '../../src/store/index.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { AT, DAY, HOUR, hostEvent, request, type RequestSpec } from './fleet.js';

const UNKNOWN_ID = '00000000-1111-2222-3333-444444444444'; // not in the product table
const pad = (n: number) => String(n).padStart(2, '0');

async function storeOf(records: KmsRecord[]): Promise<Store> {
  const store = createMemoryStore();
  await store.migrate();
  await store.writeBatch(records);
  return store;
}

/** n Windows 10/11 Pro clients (N = 25) of `host`, all last seen at `time`. */
function clients(host: string, prefix: string, n: number, time: number, extra: Partial<RequestSpec> = {}): RequestSpec[] {
  return Array.from({ length: n }, (_, i) => ({ host, time, cmid: `${prefix}-${pad(i + 1)}`, machine: `${prefix.toUpperCase()}-${pad(i + 1)}`, ...extra }));
}

/**
 * Every host also has one request at AT − 40 d (cmid `old-<host>`, lapsed): its stored log then
 * reaches back before the window's start, so no count is partial (requests carry no record ids:
 * no holes either).
 *
 * ok      40 clients at AT − 1 h. Threshold 25 (the highest minimum). The 25th newest was seen
 *         at AT − 1 h → the count stays ≥ 25 until AT − 1 h + 30 d: margin ⌊29 d 23 h⌋ = 29 days ≥ 7 → ok.
 * risk    26 clients at AT − 25 d → drops below 25 at AT + 5 d: margin 5 < 7 (renewal) → at-risk;
 *         and no request for 25 days > 24 h → a host-wide idle line too.
 * low     12 clients at AT − 1 h; of those, 3 in OOB grace (state 2) and 1 in Notification (5) → 4
 *         waiting (not activated, need 25 > 12). Lapsed of `low`: l-01, l-02 at AT − 31 d and
 *         old-low → 3. Counted elsewhere (latest request 0x0 on another host, not lapsed): ok 40 +
 *         risk 26 + dns 30 + idle 30 = 126. Refused elsewhere: one client of `ok` whose latest
 *         request failed (0xC004F042) → 1. 12 < 25 → below-threshold, 13 short, margin 0.
 * dns     30 clients at AT − 1 h (ok, margin 29), and a 12293 (0x8007232A, contoso.com) at AT − 2 h
 *         newer than its 12294 at AT − 5 d → host-wide dns-failing.
 * idle    30 clients at AT − 2 d → no request for 2 days > 24 h → host-wide idle; its count
 *         drops at AT − 2 d + 30 d → margin 28 → ok.
 */
function healthFleet(): KmsRecord[] {
  const reqs: RequestSpec[] = [];
  for (const host of ['ok', 'risk', 'low', 'dns', 'idle']) reqs.push({ host, time: AT - 40 * DAY, cmid: `old-${host}`, machine: `OLD-${host}` });
  reqs.push(...clients('ok', 'ok', 40, AT - HOUR));
  reqs.push({ host: 'ok', time: AT - HOUR, cmid: 'refused-1', machine: 'REFUSED-1', result: 0xc004f042, licenseState: 2 });
  reqs.push(...clients('risk', 'r', 26, AT - 25 * DAY));
  reqs.push(...clients('low', 'low', 12, AT - HOUR).map((r, i) => ({ ...r, licenseState: i < 3 ? 2 : i === 3 ? 5 : 1 })));
  reqs.push(...clients('low', 'l', 2, AT - 31 * DAY));
  reqs.push(...clients('dns', 'd', 30, AT - HOUR));
  reqs.push(...clients('idle', 'i', 30, AT - 2 * DAY));
  return [
    ...reqs.map(request),
    hostEvent('dns', AT - 5 * DAY, 'dns-publish-ok', 'contoso.com'),
    hostEvent('dns', AT - 2 * HOUR, 'dns-publish-failed', 'contoso.com', '0x8007232A'),
  ];
}

describe('report.health', () => {
  it('one line per host and application, host-wide lines for DNS and idle, worst first', async () => {
    const report = await buildReport(await storeOf(healthFleet()), { at: AT, timezone: 'UTC' });
    expect(report.hosts.every((h) => !h.partial)).toBe(true); // the fleet is built so (see above)
    expect(report.health.map((h) => [h.host, h.application, h.status, h.severity, h.active, h.threshold, h.marginDays])).toEqual([
      ['low', 'Windows', 'below-threshold', 'critical', 12, 25, 0],
      ['dns', null, 'dns-failing', 'warning', 0, 0, null],
      ['idle', null, 'idle', 'warning', 0, 0, null],
      ['risk', null, 'idle', 'warning', 0, 0, null],
      ['risk', 'Windows', 'at-risk', 'warning', 26, 25, 5],
      ['dns', 'Windows', 'ok', 'ok', 30, 25, 29],
      ['idle', 'Windows', 'ok', 'ok', 30, 25, 28],
      ['ok', 'Windows', 'ok', 'ok', 40, 25, 29],
    ]);
    for (const h of report.health) {
      if (h.status === 'ok') expect(h.remedy).toBeNull();
      else expect(h.remedy, `${h.host} ${h.status}`).toMatch(/\w{3,}/);
    }
  });

  it('says the numbers that decide it, and for a low count who waits and where more could come from', async () => {
    const report = await buildReport(await storeOf(healthFleet()), { at: AT, timezone: 'UTC' });
    const line = (host: string, application: string | null) => report.health.find((h) => h.host === host && h.application === application)!;
    expect(line('ok', 'Windows').thresholdFor).toBe('Windows client editions');
    expect(line('ok', 'Windows').text).toBe(
      '40 active Windows clients against the 25 that Windows client editions need: stays at or above 25 for at least 29 days even if no client returns.',
    );
    expect(line('risk', 'Windows').text).toContain('for at least 5 days even if no client returns, less than the 7-day renewal interval');
    const low = line('low', 'Windows');
    expect(low.text).toBe('12 active Windows clients against the 25 that Windows client editions need: below it, 13 clients short.');
    expect(low.remedy).toContain('4 clients of low wait in grace or notification and activate by themselves once the count reaches 25.');
    expect(low.remedy).toContain('13 more clients needed.');
    expect(low.remedy).toContain('3 clients of low silent for more than 30 days');
    expect(low.remedy).toContain('126 clients counted by other hosts');
    expect(low.remedy).toContain('1 client refused by other hosts');
    const dns = line('dns', null);
    expect(dns.text).toBe(
      'DNS publishing of the _vlmcs._tcp SRV record failed in contoso.com (0x8007232A), last 2026-02-28 22:00 UTC; last success 2026-02-24 00:00 UTC.',
    );
    expect(dns.remedy).toContain("Give dns's computer account the right to create and update the _vlmcs._tcp SRV record in the contoso.com zone");
    expect(line('idle', null).text).toBe('No activation request for 2 days (last 2026-02-27 00:00 UTC).');
  });

  it('a host both idle and failing DNS has one host-wide line with both conditions, the worse first', async () => {
    // dns2: 30 clients at AT − 3 d (idle: 3 days > 24 h), and a 12293 at AT − 1 d without any 12294.
    const store = await storeOf([
      request({ host: 'dns2', time: AT - 40 * DAY, cmid: 'old', machine: 'OLD' }),
      ...clients('dns2', 'z', 30, AT - 3 * DAY).map(request),
      hostEvent('dns2', AT - DAY, 'dns-publish-failed', 'contoso.com', '0x80070005'),
    ]);
    const report = await buildReport(store, { at: AT, timezone: 'UTC' });
    const wide = report.health.find((h) => h.application === null)!;
    expect(wide.conditions.map((c) => c.status)).toEqual(['dns-failing', 'idle']);
    expect(wide.status).toBe('dns-failing');
    expect(wide.text).toContain('no success stored');
    expect(wide.remedy).toContain('0x80070005 is "access denied"');
  });

  it('partial coverage is a condition of its own, the numbers kept in the text', async () => {
    // 30 clients at AT − 1 h and nothing older: the log starts inside the window → partial.
    const report = await buildReport(await storeOf(clients('p', 'p', 30, AT - HOUR).map(request)), { at: AT, timezone: 'UTC' });
    const [line] = report.health;
    expect(line.status).toBe('partial-coverage');
    expect(line.severity).toBe('warning');
    expect(line.text).toMatch(/^30 active Windows clients .* at least 29 days .* The stored log of p does not cover the whole 30-day window/);
    expect(line.marginDays).toBe(29);
  });

  it('reads the last success of clients whose latest request failed where the margin depends on it', async () => {
    // f: 10 clients succeed at AT − 1 h; 20 succeeded at AT − 2 d and failed at AT − 1 h (0xC004F06C).
    // Active (a success in the window) = 30. From latest requests alone 10 < 25 would give margin 0;
    // with the 20 last successes: the 25th newest is AT − 2 d → below 25 at AT + 28 d → margin 28, ok.
    const report = await buildReport(
      await storeOf([
        request({ host: 'f', time: AT - 40 * DAY, cmid: 'old', machine: 'OLD' }),
        ...clients('f', 'ok', 10, AT - HOUR).map(request),
        ...clients('f', 'late', 20, AT - 2 * DAY).map(request),
        ...clients('f', 'late', 20, AT - HOUR, { result: 0xc004f06c, licenseState: 1 }).map(request),
      ]),
      { at: AT, timezone: 'UTC' },
    );
    expect(report.health.map((h) => [h.application, h.active, h.marginDays, h.status])).toEqual([['Windows', 30, 28, 'ok']]);
  });

  it.each(['memory', 'sqlite'])('a CMID counted by two hosts keeps its place in both margins (%s)', async (backend) => {
    // a: 25 clients succeed on kms a at AT − 2 d; 5 of them moved to kms b and succeeded there at AT − 1 h.
    // a still counts all 25 (a success in its window) and the 25th newest of its own last successes is
    // AT − 2 d → below 25 at AT + 28 d: margin 28, ok. (Had the 5 counted only under b, a's margin would
    // rest on 20 clients: 0 days, at risk.) b counts 5 of the 25 it needs: below.
    const records = [
      request({ host: 'a', time: AT - 40 * DAY, cmid: 'old-a', machine: 'OLD-A' }),
      request({ host: 'b', time: AT - 40 * DAY, cmid: 'old-b', machine: 'OLD-B' }),
      ...clients('a', 'm', 25, AT - 2 * DAY).map(request),
      ...clients('b', 'm', 5, AT - HOUR).map(request),
    ];
    const store = backend === 'memory' ? await storeOf(records) : await openStore(':memory:');
    if (backend === 'sqlite') await store.writeBatch(records);
    const report = await buildReport(store, { at: AT, timezone: 'UTC' });
    await store.close();
    expect(report.health.filter((h) => h.application !== null).map((h) => [h.host, h.active, h.marginDays, h.status])).toEqual([
      ['b', 5, 0, 'below-threshold'],
      ['a', 25, 28, 'ok'],
    ]);
  });

  it('an Activation ID missing from the product table counts as Windows when it asks for 25, never as "Unknown"', async () => {
    // u: 24 Windows clients + 1 unknown product asking for 25 (a Windows client edition) → 25 active,
    // not below; + 1 unknown product asking for 5 (Server or Office: not certain) → left out.
    const report = await buildReport(
      await storeOf([
        request({ host: 'u', time: AT - 40 * DAY, cmid: 'old', machine: 'OLD' }),
        ...clients('u', 'w', 24, AT - HOUR).map(request),
        request({ host: 'u', time: AT - HOUR, cmid: 'unk-25', machine: 'UNK-25', product: UNKNOWN_ID, minimumCount: 25 }),
        request({ host: 'u', time: AT - HOUR, cmid: 'unk-5', machine: 'UNK-5', product: UNKNOWN_ID, minimumCount: 5 }),
      ]),
      { at: AT, timezone: 'UTC' },
    );
    expect(report.health.map((h) => [h.application, h.active, h.threshold, h.status])).toEqual([['Windows', 25, 25, 'ok']]);
  });
});

describe('newestEventTime and the stale notice', () => {
  // requests at AT − 2 d and AT + 1 d, a 12294 at AT − 1 h
  const records = () => [
    request({ host: 'k', time: AT - 2 * DAY, cmid: 'a', machine: 'A' }),
    request({ host: 'k', time: AT + DAY, cmid: 'b', machine: 'B' }),
    hostEvent('k', AT - HOUR, 'dns-publish-ok', 'contoso.com'),
  ];

  it('is the newest request or host event at or before `at`; null for an empty store', async () => {
    const store = await storeOf(records());
    expect(await newestEventTime(store, AT)).toBe(AT - HOUR);
    expect(await newestEventTime(store, AT - 2 * DAY)).toBe(AT - 2 * DAY);
    expect(await newestEventTime(store)).toBe(AT + DAY);
    expect(await newestEventTime(await storeOf([]))).toBeNull();
  });

  it('a report whose newest event is older than idleHours says so, in days and hours', async () => {
    const store = await storeOf(records());
    // at = AT + 12 d: newest event ≤ at is AT + 1 d → 11 days ago > 24 h.
    const late = await buildReport(store, { at: AT + 12 * DAY, timezone: 'UTC' });
    expect(late.newestEventAt).toBe('2026-03-02T00:00:00.000Z');
    expect(late.stale).toEqual({
      newestEventAt: '2026-03-02T00:00:00.000Z',
      idleHours: 24,
      text: 'No events since 2026-03-02 00:00 UTC (11 days): collection may have stopped.',
    });
    // at = AT: newest AT − 1 h, 1 h ≤ 24 h → not stale
    const now = await buildReport(store, { at: AT, timezone: 'UTC' });
    expect(now.newestEventAt).toBe('2026-02-28T23:00:00.000Z');
    expect(now.stale).toBeNull();
    // at = AT − 1 d + 1 h: newest ≤ at is AT − 2 d → 1 day 1 hour > 24 h
    const mid = await buildReport(store, { at: AT - DAY + HOUR, timezone: 'UTC', idleHours: 24 });
    expect(mid.stale?.text).toBe('No events since 2026-02-27 00:00 UTC (1 day 1 hour): collection may have stopped.');
  });
});

describe('formatDuration', () => {
  it('days and hours, rounded down to the hour', () => {
    expect(formatDuration(0)).toBe('less than an hour');
    expect(formatDuration(59 * 60_000)).toBe('less than an hour');
    expect(formatDuration(HOUR)).toBe('1 hour');
    expect(formatDuration(25 * HOUR + 59 * 60_000)).toBe('1 day 1 hour');
    expect(formatDuration(48 * HOUR)).toBe('2 days');
    expect(formatDuration(13922 * HOUR)).toBe('580 days 2 hours');
  });
});
