/** `kmswatch serve --config`: the alert rules of the config drive the dashboard's API (issue 25). */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const TSX = path.join(repoRoot, 'node_modules/.bin/tsx');
const MAIN = path.join(repoRoot, 'src/cli/main.ts');
const work = mkdtempSync(path.join(tmpdir(), 'kmswatch-serve-config-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('kmswatch serve --config', () => {
  it('uses the config\'s idle limit for the overview and the report', async () => {
    const config = path.join(work, 'kmswatch.yaml');
    writeFileSync(config, 'alerts:\n  idleHost:\n    hours: 72\n');
    const child = spawn(TSX, [MAIN, 'serve', '--db', ':memory:', '--port', '0', '--config', config], { cwd: repoRoot, env: { ...process.env, KMSWATCH_TOKEN: '' } });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /on (http:\/\/\S+?)\/ /.exec(stderr);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    try {
      const overview = (await (await fetch(`${url}/api/overview`)).json()) as { idleHours: number; health: unknown[] };
      expect(overview.idleHours).toBe(72);
      expect(overview.health).toEqual([]);
      const report = (await (await fetch(`${url}/api/report`)).json()) as { idleHours: number };
      expect(report.idleHours).toBe(72);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
