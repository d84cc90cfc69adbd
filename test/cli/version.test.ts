/**
 * One version everywhere: `kmswatch --version`, the web app (/api/health) and the kms_build_info
 * metric all say package.json's `version` (src/version.ts reads it; nothing repeats it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createMemoryStore } from '../../src/store/memory.js';
import { VERSION } from '../../src/version.js';
import { createApp } from '../../src/web/app.js';
import { repoRoot } from '../helpers/paths.js';
import { runCli } from './helpers.js';

const packageVersion = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe('version', () => {
  it('src/version.ts reads package.json', () => {
    expect(packageVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(VERSION).toBe(packageVersion);
  });

  it('kmswatch --version and -V print it', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${packageVersion}\n`);
      expect(r.stderr).toBe('');
    }
  });

  it('the web app and kms_build_info report it when no version is passed', async () => {
    const store = createMemoryStore();
    await store.migrate();
    const app = createApp({ store, timezone: 'UTC', staticDir: null, registry: new Registry() });
    try {
      const health = await app.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(200);
      expect((health.json() as { version: string }).version).toBe(packageVersion);
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.statusCode).toBe(200);
      const lines = metrics.body.split('\n').filter((l) => l.startsWith('kms_build_info'));
      expect(lines).toEqual([`kms_build_info{version="${packageVersion}"} 1`]);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
