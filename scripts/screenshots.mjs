#!/usr/bin/env node
// Screenshots for a reviewer (npm run screenshots): every dashboard tab at 1440×900 and 390×844 on a
// simulated fleet (3 hosts, 2,000 clients, 120 days), the overview as first opened on data that
// ended weeks ago (the stale-data notice), and the alert mail's HTML at 600 px. Written into
// screenshots/ (git-ignored). Runs the TypeScript sources through tsx; Chromium as the browser
// tests find it (test/helpers/chromium.ts).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'screenshots');
const { simulatedFleetStore } = await import('../test/web/sim-fleet.ts');
const { findChromium } = await import('../test/helpers/chromium.ts');
const { startServer } = await import('../src/web/server.ts');
const { previewAlertMail } = await import('../src/notify/preview.ts');
const { defaultConfig } = await import('../src/alerts/config.ts');

const DAY = 86_400_000;
const SIZES = [
  { name: 'desk', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];
const TABS = ['overview', 'alerts', 'clients', 'failures', 'hosts', 'products', 'clones', 'anomalies'];

mkdirSync(out, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), 'kmswatch-shots-'));
process.stderr.write('simulating and ingesting the fleet…\n');
const fleet = await simulatedFleetStore();
// "now" three weeks after the last event: the page first shows the stale-data notice
const now = fleet.newest + 21 * DAY;
const staticDir = path.join(work, 'dashboard');
await build({ configFile: path.join(root, 'src/web/dashboard/vite.config.ts'), logLevel: 'error', build: { outDir: staticDir, emptyOutDir: true } });
const server = await startServer({ store: fleet.store, port: 0, staticDir, timezone: 'UTC', now: () => now });
const launch = await findChromium();
const browser = await chromium.launch({
  executablePath: launch.executablePath,
  env: { ...process.env, ...launch.env },
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const written = [];
try {
  for (const size of SIZES) {
    const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, locale: 'en-US', deviceScaleFactor: 1 });
    const page = await context.newPage();
    const shoot = async (name) => {
      const file = path.join(out, `${size.name}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      written.push(file);
    };
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForTimeout(300);
    await shoot('overview-stale');
    for (const tab of TABS) {
      await page.goto(`${server.url}/?at=latest&tab=${tab}`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForFunction(() => !document.querySelector('section.tab:not([hidden]) [data-state="loading"]'));
      await page.waitForTimeout(300);
      await shoot(tab);
      if (tab === 'clients') {
        await page.locator('[data-section="clients"] tbody tr.clickable').first().click();
        await page.waitForSelector('[data-section="requests"]');
        await shoot('clients-detail');
      }
    }
    await context.close();
  }

  {
    // every alert of the newest event's time, rendered as the mail would carry it if all were new
    const mail = await previewAlertMail(fleet.store, { at: fleet.newest, rules: defaultConfig().alerts });
    const context = await browser.newContext({ viewport: { width: 600, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.setContent(mail.html);
    const file = path.join(out, 'mail-600.png');
    await page.screenshot({ path: file, fullPage: true });
    written.push(file);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
  await fleet.store.close();
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`${written.map((f) => path.relative(root, f)).join('\n')}\n`);
