/**
 * Under a POSIX locale Chromium reports navigator.language 'en-US@posix' (no BCP 47 tag), which
 * uPlot passed to Intl.NumberFormat at load: the dashboard stayed blank. The pages now import
 * src/web/dashboard/src/locale-guard.ts first.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/analysis/report.js';
import type { Store } from '../../src/store/types.js';
import { usableLanguage } from '../../src/web/dashboard/src/locale-guard.js';
import { expectTotals, startBrowserEnv, type BrowserEnv } from './browser-env.js';
import { AT } from './fleet.js';
import { fleetStore, referenceReport, TOKEN } from './helpers.js';

describe('usableLanguage', () => {
  it('keeps a valid tag and repairs what Intl refuses', () => {
    expect(usableLanguage('de-DE')).toBe('de-DE');
    expect(usableLanguage('en-US@posix')).toBe('en-US');
    expect(usableLanguage('@@')).toBe('en-US');
  });
});

describe('dashboard under LANG=C.UTF-8', () => {
  let store: Store;
  let env: BrowserEnv;
  beforeAll(async () => {
    store = await fleetStore();
    env = await startBrowserEnv(store, { now: () => AT, token: TOKEN }, undefined, true);
  }, 120_000);
  afterAll(async () => {
    await env?.close();
    await store?.close();
  });

  it('loads and shows the numbers of report --json', async () => {
    const page: Page = await env.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${env.server.url}/?at=2026-03-01T00:00:00.000Z`);
    expect(await page.evaluate(() => navigator.language)).toBe('en-US');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await expectTotals(page, (await referenceReport(store)) as Report);
    expect(errors).toEqual([]);
  });
});
