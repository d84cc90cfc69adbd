import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';
import { rawRequest } from './raw-http.js';

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
    expect(denied.status).toBe(403);
    const accepted = await fetch(`${url}/api/ingest`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: 'Bearer from-env' } });
    // `{}` is JSON of no known shape: read with the token, answered 400 naming it (not 401/403)
    expect(accepted.status).toBe(400);
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

  it('refuses empty or white-space tokens at start (exit 2), from the options and the environment', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--token', ' '], {}, /--token is empty/],
      [['--token', ''], {}, /--token is empty/],
      [['--token', 'two words'], {}, /--token contains white space/],
      [[], { KMSWATCH_TOKEN: ' \t' }, /KMSWATCH_TOKEN is empty/],
      [['--read-token', '  '], {}, /--read-token is empty/],
      [[], { KMSWATCH_READ_TOKEN: ' ' }, /KMSWATCH_READ_TOKEN is empty/],
    ];
    for (const [args, env, message] of cases) {
      const s = serve(['--port', '0', ...args], env);
      expect(await s.exited, args.join(' ')).toBe(2);
      expect(s.stderr()).toMatch(message);
      expect(s.stderr()).not.toMatch(/serving/);
    }
  });

  it('beyond loopback, refuses to start without --read-token or --public-read', async () => {
    const s = serve(['--port', '0', '--bind', '0.0.0.0']);
    expect(await s.exited).toBe(2);
    expect(s.stderr()).toMatch(/--bind 0\.0\.0\.0 is beyond loopback: give --read-token/);
    const both = serve(['--port', '0', '--bind', '0.0.0.0', '--public-read', '--read-token', 'r']);
    expect(await both.exited).toBe(2);
    expect(both.stderr()).toMatch(/contradict/);
  });

  it('beyond loopback with --read-token, reads need the token', async () => {
    const s = serve(['--port', '0', '--bind', '0.0.0.0', '--read-token', 'reader-1'], { KMSWATCH_TOKEN: 'writer-1' });
    const url = (await s.url).replace('0.0.0.0', '127.0.0.1');
    expect((await fetch(`${url}/api/health`)).status).toBe(401);
    expect((await fetch(`${url}/api/health`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
    expect((await fetch(`${url}/api/health`, { headers: { authorization: 'Bearer reader-1' } })).status).toBe(200);
    expect((await fetch(`${url}/api/health`, { headers: { authorization: `Basic ${Buffer.from('me:reader-1').toString('base64')}` } })).status).toBe(200);
    expect(s.stderr()).not.toMatch(/warning/);
    s.child.kill('SIGTERM');
    await s.exited;
  });

  it('beyond loopback with --public-read, serves reads to anyone and warns on stderr', async () => {
    const s = serve(['--port', '0', '--bind', '0.0.0.0', '--public-read']);
    const url = (await s.url).replace('0.0.0.0', '127.0.0.1');
    await expect.poll(() => s.stderr(), { timeout: 10_000 }).toMatch(/warning: --public-read: listening on 0\.0\.0\.0, the dashboard, the read API and \/metrics answer anyone/);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    s.child.kill('SIGTERM');
    await s.exited;
  });

  it('answers the Host names of --allow-host, and refuses other names on loopback', async () => {
    const s = serve(['--port', '0', '--allow-host', 'kms.example', '--allow-host', 'proxy.example:8443']);
    const port = Number(new URL(await s.url).port);
    const get = (host: string) => rawRequest(port, `GET /api/health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect((await get('kms.example')).status).toBe(200);
    expect((await get('proxy.example:8443')).status).toBe(200);
    expect((await get(`localhost:${port}`)).status).toBe(200);
    const evil = await get(`evil.example:${port}`);
    expect(evil.status).toBe(421);
    expect(evil.json).toMatchObject({ error: 'WEB_HOST_NOT_ALLOWED' });
    s.child.kill('SIGTERM');
    await s.exited;
    const bad = serve(['--port', '0', '--allow-host', 'a/b']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/--allow-host: "a\/b"/);
  });

  it('rejects a bad body timeout as a usage error', async () => {
    const s = serve(['--port', '0', '--body-timeout', '0']);
    expect(await s.exited).toBe(2);
    expect(s.stderr()).toMatch(/--body-timeout/);
  });

  it('rejects a bad port as a usage error', async () => {
    const s = serve(['--port', '99999']);
    expect(await s.exited).toBe(2);
    expect(s.stderr()).toMatch(/--port/);
  });
});
