/**
 * `kmswatch demo`: the simulated period ends now (rounded down to the hour) or at --at, the report
 * is as of that time, and the next commands name the demo database and the dashboard's address.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_SERVE_PORT, DEMO_SERVE_URL, demoPeriod, nextSteps, shellWord } from '../../src/cli/commands/demo.js';
import { DEFAULT_PORT } from '../../src/web/server.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { runCli } from '../cli/helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The demo folder named on stderr ("… are in DIR"). */
function demoDir(stderr: string): string {
  const m = /database are in (\S+)/.exec(stderr);
  if (!m) throw new Error(`no demo folder in: ${stderr}`);
  dirs.push(m[1]);
  return m[1];
}

describe('kmswatch demo', () => {
  it('ends the period at the current hour: the report and truth.json are as of now, rounded down', async () => {
    const now = Date.UTC(2026, 2, 1, 12, 34, 56, 789);
    const r = await runCli(['demo', '--clients', '40', '--days', '10', '--hosts', '2'], { store: createMemoryStore(), now });
    expect(r.code, r.stderr).toBe(0);
    const dir = demoDir(r.stderr);
    const truth = JSON.parse(readFileSync(path.join(dir, 'logs', 'truth.json'), 'utf8'));
    expect(truth.at).toBe('2026-03-01T12:00:00.000Z');
    expect(truth.options.start).toBe('2026-02-19T12:00:00.000Z'); // 10 days before
    expect(r.stdout).toContain('2026-03-01T12:00:00.000Z');
    // the report shows the simulated fleet, not an empty store
    expect(r.stdout).toMatch(new RegExp(`Requests ${truth.totals.requests}\\b`));
  });

  it('--at pins the period; the next commands name the database it wrote and the dashboard address', async () => {
    const r = await runCli(['demo', '--clients', '30', '--days', '5', '--hosts', '1', '--at', '2025-06-30T08:00:00Z'], { store: createMemoryStore() });
    expect(r.code, r.stderr).toBe(0);
    const dir = demoDir(r.stderr);
    const db = path.join(dir, 'demo.db');
    expect(r.opened).toEqual([db]);
    expect(r.stdout).toContain('2025-06-30T08:00:00.000Z');
    expect(r.stderr).toContain(`kmswatch report --db ${db}`);
    expect(r.stderr).toContain(`kmswatch clients --db ${db} --state 5`);
    expect(r.stderr).toContain(`kmswatch serve --db ${db}`);
    expect(r.stderr).toContain('http://127.0.0.1:8427/');
  });

  it('--db puts the database elsewhere, and the next commands say so', async () => {
    const r = await runCli(['--db', '/srv/my demo.db', 'demo', '--clients', '30', '--days', '3', '--hosts', '1', '--at', '2025-06-30'], { store: createMemoryStore() });
    expect(r.code, r.stderr).toBe(0);
    demoDir(r.stderr);
    expect(r.opened).toEqual(['/srv/my demo.db']);
    expect(r.stderr).toContain(`kmswatch report --db '/srv/my demo.db'`);
  });

  it('refuses a bad --at with a usage error', async () => {
    const r = await runCli(['demo', '--at', 'yesterday'], { store: createMemoryStore() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--at/);
  });

  it('the address printed is the dashboard default of src/web/server.ts', () => {
    expect(DEMO_SERVE_PORT).toBe(DEFAULT_PORT);
    expect(DEMO_SERVE_URL).toBe(`http://127.0.0.1:${DEFAULT_PORT}`);
  });

  it('demoPeriod: now rounded down to the hour, or --at to the second; days before it', () => {
    // 2026-03-01T12:59:59.999Z rounds down to 12:00; 3 days earlier is 2026-02-26T12:00Z.
    expect(demoPeriod(Date.UTC(2026, 2, 1, 12, 59, 59, 999), 3)).toEqual({ start: Date.UTC(2026, 1, 26, 12), end: Date.UTC(2026, 2, 1, 12) });
    expect(demoPeriod(0, 1, '2025-01-02T03:04:05.678Z')).toEqual({ start: Date.UTC(2025, 0, 1, 3, 4, 5), end: Date.UTC(2025, 0, 2, 3, 4, 5) });
  });

  it('shellWord quotes only what a shell would split or expand', () => {
    expect(shellWord('/tmp/kmswatch-demo-AbC123/demo.db')).toBe('/tmp/kmswatch-demo-AbC123/demo.db');
    expect(shellWord("C:/it's here/demo.db")).toBe(`'C:/it'\\''s here/demo.db'`);
    expect(nextSteps('x.db')).toContain('kmswatch serve --db x.db');
  });
});
