/**
 * docs/definitions.md "partial" on the dashboard, in a real Chromium (test/helpers/chromium.ts):
 * the count card of kms-short, whose stored log covers 12 of the 30 days
 * (test/helpers/partial-fleet.ts), is marked partial and says why; kms-full's is not; the hosts tab
 * lists what each host's log covers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory.js';
import { AT, FULL, SHORT, partialFleet } from '../helpers/partial-fleet.js';
import { startBrowserEnv, type BrowserEnv } from './browser-env.js';

let env: BrowserEnv;
let server: BrowserEnv['server'];
let context: BrowserEnv['context'];

beforeAll(async () => {
  env = await startBrowserEnv(await partialFleet(createMemoryStore()), { now: () => AT });
  ({ server, context } = env);
}, 120_000);

afterAll(async () => {
  await env?.close();
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
    expect(await short.locator('[data-field="partial"]').textContent()).toBe('Partial: the stored log begins 2026-02-17 00:00 UTC; the count may be too low');
    expect(await full.locator('[data-field="partial"]').count()).toBe(0);

    await page.click('#nav button[data-tab="hosts"]');
    const rows = page.locator('table[data-section="coverage"] tbody tr');
    // the Hosts tab loads the report when first opened
    await expect.poll(() => rows.count()).toBe(2);
    const covered = await rows.evaluateAll((trs) => trs.map((tr) => [tr.querySelector('[data-field="host"]')?.textContent, tr.querySelector('[data-field="coversWindow"]')?.textContent]));
    expect(covered).toEqual([[FULL, 'yes'], [SHORT, 'no']]);
    await page.close();
  });
});
