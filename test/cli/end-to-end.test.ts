// The CLI on a real SQLite file, in-process and once as a real process (exit codes as the shell sees them).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processContext, run } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';
import { openStore } from '../../src/store/index.js';
import { fleetRecords } from '../analysis/fleet.js';
import { repoRoot } from '../helpers/paths.js';

let dir: string;
let db: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-cli-'));
  db = path.join(dir, 'fleet.db');
  const store = await openStore(db);
  await store.writeBatch(fleetRecords());
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capturedContext(env: Record<string, string>): CliContext & { out: string[] } {
  const out: string[] = [];
  const ctx = { ...processContext(), out } as CliContext & { out: string[] };
  ctx.stdout = { write: (t: string) => out.push(t) };
  ctx.stderr = { write: (t: string) => out.push(t) };
  ctx.env = env;
  return ctx;
}

describe('CLI on SQLite', () => {
  it('report --json through KMSWATCH_DB', async () => {
    const ctx = capturedContext({ KMSWATCH_DB: db });
    const code = await run(['node', 'kmswatch', 'report', '--json', '--at', '2026-03-01T00:00:00Z', '--timezone', 'UTC'], ctx);
    expect(code).toBe(0);
    const json = JSON.parse(ctx.out.join(''));
    // Hand-derived in test/analysis/report.test.ts.
    expect(json.totals).toEqual({ requests: 97, clients: 88, machines: 89, hosts: 3, anomalies: 2 });
    expect(json.hosts.map((h: { host: string }) => h.host)).toEqual(['kms01', 'kms02', 'kms03', 'kms04']);
  });

  it('exit codes as a real process sees them', async () => {
    const exec = promisify(execFile);
    const cli = (args: string[]) =>
      exec(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), ...args], { cwd: repoRoot, env: { ...process.env, KMSWATCH_DB: db } }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    const [ok, usage] = await Promise.all([cli(['report', '--csv', '--at', '2026-03-01T00:00:00Z']), cli(['report', '--nope'])]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\r\n')[0]).toBe('host,application,current,active,cap,minimum,clients,met,partial');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown option '--nope'/);
  });
});
