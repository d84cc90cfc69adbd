/**
 * The dashboard and the offline page in a real Chromium (test/helpers/chromium.ts: CHROMIUM_PATH, the
 * system's, else the one inside the @sparticuz/chromium package; never a downloaded browser), driven by
 * playwright-core. The numbers on the page are compared with buildReport (report --json) over the
 * same data. Screenshots go to test-artifacts/web/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../../src/analysis/report.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { readBytesSource } from '../../src/web/bytes-source.js';
import { ingestEvents } from '../../src/ingest/ingest.js';
import { repoRoot } from '../helpers/paths.js';
import { expectTotals, field, startBrowserEnv, type BrowserEnv } from './browser-env.js';
import { AT, fleetEvents, fleetEvtx, XSS_NAME } from './fleet.js';
import { fleetStore, referenceReport, TOKEN } from './helpers.js';

const artifacts = path.join(repoRoot, 'test-artifacts', 'web');
const AT_QUERY = '?at=2026-03-01T00:00:00.000Z';

let store: Store;
let env: BrowserEnv;
let server: BrowserEnv['server'];
let context: BrowserEnv['context'];
let report: Report;
const dialogs: string[] = [];

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  store = await fleetStore();
  report = (await referenceReport(store)) as Report;
  env = await startBrowserEnv(store, { now: () => AT, token: TOKEN });
  ({ server, context } = env);
  context.on('page', (p) => p.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  }));
}, 120_000);

afterAll(async () => {
  await env?.close();
  await store?.close();
});

async function openDashboard(query = AT_QUERY): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/${query}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return page;
}

describe('dashboard', () => {
  it('shows the numbers of report --json', async () => {
    const page = await openDashboard();
    await expectTotals(page, report);
    expect(await page.locator('.count-card canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(artifacts, 'overview.png'), fullPage: true });

    await page.click('#nav button[data-tab="failures"]');
    const failure = page.locator('[data-section="failures"] tbody tr').first();
    expect(await failure.locator('[data-field="result"]').textContent()).toBe(report.failures[0].result);
    expect(await failure.locator('[data-field="remedy"]').textContent()).toBe(report.failures[0].remedy);
    await page.click('#nav button[data-tab="hosts"]');
    for (const [i, h] of report.hosts.entries()) {
      const row = page.locator('[data-section="hosts"] tbody tr').nth(i);
      expect(await row.locator('[data-field="dnsPublishFailures"]').textContent()).toBe(String(h.dnsPublishFailures));
      expect(await row.locator('[data-field="requests"]').textContent()).toBe(String(h.requests));
    }
    await page.click('#nav button[data-tab="clones"]');
    // the tab loads the report when first opened
    await expect.poll(() => page.locator('[data-section="clones"] tbody tr').count()).toBe(report.clones.length);
    await page.screenshot({ path: path.join(artifacts, 'clones.png') });
    await page.close();
  });

  it('filters the clients table and exports it as CSV', async () => {
    const page = await openDashboard();
    await page.click('#nav button[data-tab="clients"]');
    const total = page.locator('[data-field="clients.total"]');
    await expect.poll(() => total.textContent()).toBe(String(report.clients.total));

    await page.selectOption('select[name="state"]', { label: 'Notification' });
    await expect.poll(() => page.locator('[data-section="clients"] tbody [data-field="machine"]').allTextContents()).toEqual(['NAGGED']);

    await page.selectOption('select[name="state"]', '');
    await page.selectOption('select[name="host"]', 'KMS01');
    await page.selectOption('select[name="vm"]', 'true');
    // fleet.ts: KMS01 has 30 PCs, those with c % 3 == 0 are VMs → 10.
    await expect.poll(() => total.textContent()).toBe('10');
    await page.fill('input[name="search"]', 'PC00');
    // PC000, PC003, PC006, PC009.
    await expect.poll(() => page.locator('[data-section="clients"] tbody [data-field="machine"]').allTextContents()).toEqual(['PC000', 'PC003', 'PC006', 'PC009']);
    await page.screenshot({ path: path.join(artifacts, 'clients-filtered.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[name="csv"]')]);
    const csv = readFileSync(await download.path(), 'utf8');
    const fromApi = await (await fetch(`${server.url}/api/clients.csv${AT_QUERY}&host=KMS01&vm=true&search=PC00`)).text();
    expect(csv).toBe(fromApi);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(5);
    await page.close();
  });

  it('shows a hostile machine name as text everywhere', async () => {
    const page = await openDashboard();
    await page.click('#nav button[data-tab="clones"]');
    await page.click('#nav button[data-tab="clients"]');
    await page.fill('input[name="search"]', 'img');
    const cell = page.locator('[data-section="clients"] tbody [data-field="machine"]');
    await expect.poll(() => cell.allTextContents()).toEqual([XSS_NAME]);
    await cell.first().click();
    await expect.poll(() => page.locator('[data-section="requests"] [data-field="machine"]').allTextContents()).toEqual([XSS_NAME]);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, 'xss-as-text.png'), fullPage: true });
    await page.close();
  });
});

describe('offline analysis page', () => {
  it('analyses a dropped .evtx in the browser and uploads nothing', async () => {
    const page = await context.newPage();
    const requests: string[] = [];
    await page.goto(`${server.url}/offline.html`);
    expect(await page.locator('#privacy').textContent()).toMatch(/Nothing is uploaded/);
    page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));

    // A real drop: the file travels in a DataTransfer, as from the desktop.
    const bytes = Buffer.from(fleetEvtx()).toString('base64');
    const transfer = await page.evaluateHandle((b64) => {
      const raw = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([raw], 'Key Management Service.evtx'));
      return dt;
    }, bytes);
    await page.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });

    // The page judges the export as of its newest event (the same store fed by the Node path).
    const newest = Math.max(...fleetEvents().filter((e) => e.eventId === 12290).map((e) => e.time));
    const expected = (await referenceReport(store, newest)) as Report;
    await expectTotals(page, expected);
    expect(await field(page, '[data-section="ingest"]', 'events')).toBe(String(fleetEvents().length));
    expect(await field(page, '[data-section="ingest"]', 'issues')).toBe('0');
    await page.click('#nav button[data-tab="clients"]');
    await page.fill('input[name="search"]', 'img');
    await expect.poll(() => page.locator('[data-section="clients"] tbody [data-field="machine"]').allTextContents()).toEqual([XSS_NAME]);
    await page.click('#nav button[data-tab="overview"]');
    await page.screenshot({ path: path.join(artifacts, 'offline-evtx.png'), fullPage: true });
    expect(requests.filter((r) => !r.startsWith('GET ') || !r.includes('/assets/'))).toEqual([]);
    await page.close();
  });

  it('asks for the host name before analysing an Event Viewer save; with it, joins the host a wevtutil text (code page 850) names', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/offline.html`);
    const file = (name: string) => ({ name, mimeType: 'text/plain', buffer: readFileSync(path.join(repoRoot, 'test/fixtures/sources', name)) });
    await page.setInputFiles('#file', [file('eventviewer-kms01.csv')]);
    await page.waitForSelector('body[data-ready="needs-host"]', { timeout: 30_000 });
    expect(await page.locator('#status').textContent()).toContain('eventviewer-kms01.csv: an Event Viewer save names no computer');
    expect(await page.locator('#main').innerHTML()).toBe('');

    await page.fill('#host', 'KMS01');
    await page.fill('#encoding', 'cp850');
    await page.fill('#timezone', 'Europe/Berlin');
    await page.setInputFiles('#file', [file('eventviewer-kms01.csv'), file('wevtutil-kms01-cp850.txt')]);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });

    // The same in Node: the text first (it names the computer), then the save under the host it names.
    const other = createMemoryStore();
    await other.migrate();
    await ingestEvents(other, readBytesSource(file('wevtutil-kms01-cp850.txt').buffer, { file: 'kms.txt', timezone: 'Europe/Berlin', encoding: 'cp850' }), {});
    await ingestEvents(other, readBytesSource(file('eventviewer-kms01.csv').buffer, { file: 'ev.csv', timezone: 'Europe/Berlin', host: 'KMS01.corp.contoso.com' }), {});
    // eventviewer-kms01.csv's newest request, 2026-02-07T15:10:09Z, is the page's "as of".
    const expected = JSON.parse(JSON.stringify(await buildReport(other, { at: Date.parse('2026-02-07T15:10:09Z'), timezone: 'Europe/Berlin' }))) as Report;
    expect(expected.hosts.map((h) => h.host)).toEqual(['KMS01.corp.contoso.com']);
    await expectTotals(page, expected);
    await page.click('#nav button[data-tab="clients"]');
    await page.fill('input[name="search"]', 'PC04');
    await expect.poll(() => page.locator('[data-section="clients"] tbody [data-field="machine"]').allTextContents()).toEqual(['BÜRO-PC04']);
    await other.close();
    await page.close();
  });

  it('reads an NDJSON export too', async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/offline.html`);
    const { winlogbeatLine } = await import('./fleet.js');
    const text = fleetEvents().map(winlogbeatLine).join('\n');
    await page.setInputFiles('#file', { name: 'kms.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    const other = createMemoryStore();
    await ingestEvents(other, readBytesSource(new TextEncoder().encode(text), { file: 'kms.ndjson', timezone: 'UTC' }), {});
    const newest = Math.max(...fleetEvents().filter((e) => e.eventId === 12290).map((e) => e.time));
    await expectTotals(page, (await referenceReport(other, newest)) as Report);
    await other.close();
    await page.close();
  });
});
