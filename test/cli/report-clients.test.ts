// report and clients on the hand-made fleet (numbers derived in test/analysis/fleet.ts and report.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import { AT, DAY, fleetStore } from '../analysis/fleet.js';
import { runCli } from './helpers.js';

let store: Store;
beforeAll(async () => {
  store = await fleetStore();
});

describe('kmswatch report', () => {
  it('--json gives the contract object as of --at', async () => {
    const r = await runCli(['report', '--json', '--at', '2026-03-01T00:00:00Z', '--timezone', 'UTC'], { store });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.at).toBe('2026-03-01T00:00:00.000Z');
    expect(json.timezone).toBe('UTC');
    expect(json.totals).toEqual({ requests: 97, clients: 88, machines: 89, hosts: 3, anomalies: 2 });
  });

  it('--at without an offset is local to --timezone', async () => {
    // 01:00 in Berlin (UTC+1 in March before the 29th) is 00:00 UTC.
    const r = await runCli(['report', '--json', '--at', '2026-03-01T01:00', '--timezone', 'Europe/Berlin'], { store });
    expect(JSON.parse(r.stdout).at).toBe('2026-03-01T00:00:00.000Z');
  });

  it('defaults --at to now', async () => {
    const r = await runCli(['report', '--json', '--timezone', 'UTC'], { store, now: AT + DAY });
    expect(JSON.parse(r.stdout).at).toBe(new Date(AT + DAY).toISOString());
  });

  it('tables name the zone; --csv picks a section', async () => {
    const text = await runCli(['report', '--at', '2026-03-01T00:00:00Z', '--timezone', 'Europe/Berlin'], { store });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Times are shown in Europe/Berlin');
    expect(text.stdout).toContain('KMS counts (last 30 days)');
    const csv = await runCli(['report', '--csv', '--section', 'failures', '--at', '2026-03-01T00:00:00Z'], { store });
    expect(csv.stdout.split('\r\n')[0]).toBe('Machine,CMID,Host,Result,Requests,Last,Meaning,Cause,Remedy,damagedOnly,Product');
    expect(csv.stdout.split('\r\n')).toHaveLength(4); // header, f-1, g-1, final empty
  });
});

describe('kmswatch clients', () => {
  const at = ['--at', '2026-03-01T00:00:00Z', '--timezone', 'UTC'];
  const cmids = async (...args: string[]) => {
    const r = await runCli(['clients', '--json', ...at, ...args], { store });
    expect(r.code).toBe(0);
    return (JSON.parse(r.stdout) as { cmid: string }[]).map((c) => c.cmid).sort();
  };

  it('filters by state name or number', async () => {
    // OOBGrace latest: k-expiring, f-1, g-1 (report.test.ts byState).
    expect(await cmids('--state', 'oobgrace')).toEqual(['f-1', 'g-1', 'k-expiring']);
    expect(await cmids('--state', '2')).toEqual(['f-1', 'g-1', 'k-expiring']);
  });

  it('--lapsed and --expiring-days', async () => {
    expect(await cmids('--lapsed')).toEqual(['f-2', 'k-lapsed']);
    // Expiry ≤ AT + 9 d: only k-expiring (k-exp-edge expires at AT + 14 d).
    expect(await cmids('--expiring-days', '9')).toEqual(['k-expiring']);
    expect(await cmids('--expiring-days', '14')).toEqual(['k-exp-edge', 'k-expiring']);
  });

  it('--host, --search, --product', async () => {
    expect((await cmids('--host', 'KMS02')).length).toBe(14);
    // c-1's latest request came from Srv-A: the search looks at the latest row only.
    expect(await cmids('--search', 'srv-a')).toEqual(['c-1']);
    expect(await cmids('--search', 'srv-b')).toEqual([]);
    expect((await cmids('--product', 'office ltsc')).length).toBe(4);
    expect((await cmids('--product', '{FBDB3E18-A8EF-4FB3-9183-DFFD60BD0984}')).length).toBe(4);
  });

  it('table output ends with a count and the zone', async () => {
    const r = await runCli(['clients', ...at, '--lapsed'], { store });
    expect(r.stdout).toMatch(/Machine\s+CMID/);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('2 clients as of 2026-03-01 00:00 UTC');
  });
});
