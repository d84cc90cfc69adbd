// --at latest, the stale notice, the health lines and "no requests in the window" in the CLI (issue 25).
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { AT, DAY, hostEvent, request } from '../analysis/fleet.js';
import { runCli } from './helpers.js';

/**
 * kmsa: 30 Windows clients at AT − 20 d (2026-02-09), a 12293 (DNS publishing failed, 0x8007232A)
 * at AT − 19 d = 2026-02-10 00:00 UTC: the newest event. "Now" is AT + 40 d (2026-04-10).
 */
async function store(): Promise<Store> {
  const s = createMemoryStore();
  await s.migrate();
  await s.writeBatch([
    ...Array.from({ length: 30 }, (_, i) => request({ host: 'kmsa', time: AT - 20 * DAY, cmid: `c-${i}`, machine: `PC-${i}` })),
    hostEvent('kmsa', AT - 19 * DAY, 'dns-publish-failed', 'contoso.com', '0x8007232A'),
  ]);
  return s;
}
const NOW = AT + 40 * DAY;
const NEWEST = '2026-02-10T00:00:00.000Z';

describe('--at latest', () => {
  it('report: the newest event is the instant; nothing is stale then', async () => {
    const r = await runCli(['report', '--json', '--at', 'latest', '--timezone', 'UTC'], { store: await store(), now: NOW });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.at).toBe(NEWEST);
    expect(json.newestEventAt).toBe(NEWEST);
    expect(json.stale).toBeNull();
    // at the newest event: 30 clients seen 1 day before → counted (margin: below 25 at AT + 10 d,
    // 29 days away), but the stored log starts 1 day before `at`, inside the window → partial;
    // the host-wide DNS line comes first
    expect(json.health.map((h: { application: string | null; status: string; marginDays: number | null }) => [h.application, h.status, h.marginDays])).toEqual([
      [null, 'dns-failing', null],
      ['Windows', 'partial-coverage', 29],
    ]);
  });

  it('clients, alerts and notify take it too', async () => {
    const s = await store();
    const clients = await runCli(['clients', '--json', '--at', 'LATEST', '--timezone', 'UTC'], { store: s, now: NOW });
    // as of 2026-02-10 the clients were seen a day before: none lapsed (at now they all would be)
    const list = JSON.parse(clients.stdout) as { lapsed: boolean }[];
    expect(list).toHaveLength(30);
    expect(list.every((c) => !c.lapsed)).toBe(true);

    const alerts = await runCli(['alerts', '--json', '--dry-run', '--at', 'latest'], { store: s, now: NOW });
    expect(alerts.code).toBe(0);
    const json = JSON.parse(alerts.stdout);
    expect(json.at).toBe(NEWEST);
    // idle? 1 day = 24 h, not more → no; count 30 ≥ 25 + 2; forecast drop AT + 10 d is 29 days away > 14 → only DNS
    expect(json.open.map((a: { rule: string }) => a.rule)).toEqual(['dns-publish-failed']);
    expect(json.open[0].title).toContain('kmsa could not publish its _vlmcs._tcp SRV record to DNS in contoso.com (0x8007232A)');
    expect(json.open[0].remedy).toContain('_vlmcs._tcp SRV record in the contoso.com zone');

    const notify = await runCli(['notify', '--dry-run', '--at', 'latest'], { store: s, now: NOW });
    expect(notify.code).toBe(0);
    expect(notify.stdout).toContain('kmswatch report at 2026-02-10 00:00 UTC');
    expect(notify.stdout).toContain('What to do: 0x8007232A is "DNS server failure"');
  });

  it('an empty store has no newest event: latest is now', async () => {
    const s = createMemoryStore();
    await s.migrate();
    const r = await runCli(['report', '--json', '--at', 'latest'], { store: s, now: NOW });
    expect(JSON.parse(r.stdout).at).toBe(new Date(NOW).toISOString());
  });

  it('anything else that is not a time is still a usage error', async () => {
    const r = await runCli(['report', '--at', 'yesterday'], { store: await store(), now: NOW });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("argument 'yesterday' is invalid");
  });
});

describe('the text report on data that stopped', () => {
  it('says the stale notice first, then the health lines, and "no requests in the window"', async () => {
    const r = await runCli(['report', '--timezone', 'UTC'], { store: await store(), now: NOW });
    expect(r.code).toBe(0);
    const out = r.stdout;
    // now − newest = 40 d + 19 d = 59 days
    expect(out.split('\n')[0]).toBe('! No events since 2026-02-10 00:00 UTC (59 days): collection may have stopped.');
    expect(out.indexOf('Health (worst first)')).toBeGreaterThan(0);
    expect(out.indexOf('Health (worst first)')).toBeLessThan(out.indexOf('\nHosts\n'));
    // the window (2026-03-11, 2026-04-10] holds nothing: no count lines, a host-wide DNS line and idle
    // (now − last request = 40 d + 20 d = 60 days)
    expect(out).toContain('No activation request for 60 days (last 2026-02-09 00:00 UTC).');
    expect(out).toContain('KMS counts (last 30 days)\n  no requests in the window\n');
    expect(out).toContain('Idle (no request for more than 1 day)');
  });
});
