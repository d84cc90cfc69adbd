/**
 * docs/definitions.md "partial" on the dashboard, in a real Chromium (test/helpers/chromium.ts):
 * the count card of kms-short, whose stored log covers 12 of the 30 days
 * (test/helpers/partial-fleet.ts), is marked partial and says why; kms-full's is not; the hosts tab
 * lists what each host's log covers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { startServer, type RunningServer } from '../../src/web/server.js';
import { findChromium } from '../helpers/chromium.js';
import { AT, FULL, SHORT, partialFleet } from '../helpers/partial-fleet.js';
import { repoRoot } from '../helpers/paths.js';

let work: string;
let server: RunningServer;
let context: BrowserContext;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'kmswatch-partial-web-'));
  const outDir = path.join(work, 'dashboard');
  await build({ configFile: path.join(repoRoot, 'src/web/dashboard/vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  server = await startServer({ store: await partialFleet(createMemoryStore()), port: 0, staticDir: outDir, timezone: 'UTC', now: () => AT });
  const browser = await findChromium();
  context = await chromium.launchPersistentContext(path.join(work, 'profile'), {
    executablePath: browser.executablePath,
    env: { ...process.env, ...browser.env } as Record<string, string>,
    headless: true,
    locale: 'en-US',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('dashboard', () => {
  it('marks the count of a host whose log covers 12 of the 30 days partial', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/?at=${new Date(AT).toISOString()}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    const short = page.locator(`.count-card[data-host="${SHORT}"][data-application="Windows"]`);
    const full = page.locator(`.count-card[data-host="${FULL}"][data-application="Windows"]`);
    expect(await short.getAttribute('data-partial')).toBe('true');
    expect(await full.getAttribute('data-partial')).toBe('false');
    // the stored log of kms-short begins at AT − 12 d, the first renewal of client 1
    expect(await short.locator('[data-field="partial"]').textContent()).toBe('Partial: the stored log begins 2026-02-17 00:00:00Z; the count may be too low');
    expect(await full.locator('[data-field="partial"]').count()).toBe(0);

    await page.click('#nav button[data-tab="hosts"]');
    const rows = page.locator('table[data-section="coverage"] tbody tr');
    expect(await rows.count()).toBe(2);
    const covered = await rows.evaluateAll((trs) => trs.map((tr) => [tr.querySelector('[data-field="host"]')?.textContent, tr.querySelector('[data-field="coversWindow"]')?.textContent]));
    expect(covered).toEqual([[FULL, 'yes'], [SHORT, 'no']]);
    await page.close();
  });
});
