/**
 * What the browser tests share (as test/web/browser.test.ts sets it up): the dashboard built by Vite
 * into a temporary folder, served by startServer, and a real Chromium (test/helpers/chromium.ts:
 * CHROMIUM_PATH, the system's, else @sparticuz/chromium's; never a downloaded one) driven by
 * playwright-core with a fresh profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import type { Report } from '../../src/analysis/report.js';
import type { Store } from '../../src/store/types.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/web/server.js';
import { findChromium } from '../helpers/chromium.js';
import { repoRoot } from '../helpers/paths.js';

export interface BrowserEnv {
  server: RunningServer;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function startBrowserEnv(
  store: Store,
  serverOptions: Partial<ServerOptions> = {},
  /** User name and password the browser answers a Basic login with. */
  httpCredentials?: { username: string; password: string },
  /** The browser's language from a POSIX locale (LANG=C.UTF-8), as a Linux desktop may give it, instead of en-US. */
  posixLocale = false,
): Promise<BrowserEnv> {
  const work = mkdtempSync(path.join(tmpdir(), 'kmswatch-web-'));
  const outDir = path.join(work, 'dashboard');
  await build({ configFile: path.join(repoRoot, 'src/web/dashboard/vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const server = await startServer({ store, port: 0, staticDir: outDir, timezone: 'UTC', ...serverOptions });
  const browser = await findChromium();
  const context = await chromium.launchPersistentContext(path.join(work, 'profile'), {
    executablePath: browser.executablePath,
    env: { ...process.env, ...browser.env, ...(posixLocale ? { LANG: 'C.UTF-8', LC_ALL: '', LANGUAGE: '' } : {}) } as Record<string, string>,
    headless: true,
    // one language for every run unless asked (posixLocale: see src/web/dashboard/src/locale-guard.ts)
    ...(posixLocale ? {} : { locale: 'en-US' }),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    ...(httpCredentials ? { httpCredentials } : {}),
  });
  return {
    server,
    context,
    close: async () => {
      await context.close();
      await server.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

export async function field(page: Page, scope: string, name: string): Promise<string> {
  return (await page.locator(`${scope} [data-field="${name}"]`).first().textContent()) ?? '';
}

/** A number as the page writes it: thousands separated by commas, whatever the browser's language. */
export function shown(n: number): string {
  return n.toLocaleString('en-US');
}

/** The totals and the per-host count cards of the page against a report of the same data. */
export async function expectTotals(page: Page, r: Report, label = ''): Promise<void> {
  for (const k of ['requests', 'clients', 'machines', 'hosts', 'anomalies'] as const) {
    expect(await field(page, '[data-section="totals"]', `totals.${k}`), `${label} ${k}`).toBe(shown(r.totals[k]));
  }
  for (const h of r.hosts) {
    for (const c of h.counts) {
      const card = `.count-card[data-host="${h.host}"][data-application="${c.application}"]`;
      expect(await field(page, card, 'current'), `${label} ${h.host} ${c.application}`).toBe(shown(c.current));
      expect(await field(page, card, 'active'), `${label} ${h.host} ${c.application}`).toBe(shown(c.active));
    }
  }
  expect(await page.locator('.count-card').count(), label).toBe(r.hosts.reduce((n, h) => n + h.counts.length, 0));
}
