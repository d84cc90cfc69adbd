import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const TSX = path.join(repoRoot, 'node_modules/.bin/tsx');
const MAIN = path.join(repoRoot, 'src/cli/main.ts');

function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(TSX, [MAIN, 'serve', '--db', ':memory:', ...args], { cwd: repoRoot, env: { ...process.env, KMSWATCH_TOKEN: '', ...env } });
  let stderr = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /on (http:\/\/\S+?)\/ /.exec(stderr);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  url.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, exited, stderr: () => stderr };
}

describe('kmswatch serve', () => {
  it('listens on loopback, takes the token from KMSWATCH_TOKEN and stops on SIGTERM', async () => {
    const s = serve(['--port', '0'], { KMSWATCH_TOKEN: 'from-env' });
    const url = await s.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${url}/api/health`)).json()) as { ok: boolean; writable: boolean };
    expect(health).toMatchObject({ ok: true, writable: true });
    const denied = await fetch(`${url}/api/ingest`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' } });
    expect(denied.status).toBe(401);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.stderr()).toMatch(/SIGTERM: stopping/);
  });

  it('says that writes are refused without a token', async () => {
    const s = serve(['--port', '0']);
    const url = await s.url;
    await expect.poll(() => s.stderr()).toMatch(/POST \/api\/ingest is refused/);
    const res = await fetch(`${url}/api/ingest`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(403);
    s.child.kill('SIGTERM');
    await s.exited;
  });

  it('rejects a bad port as a usage error', async () => {
    const s = serve(['--port', '99999']);
    expect(await s.exited).toBe(2);
    expect(s.stderr()).toMatch(/--port/);
  });
});
