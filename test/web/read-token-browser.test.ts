/**
 * The dashboard of a server with a read token, in a real Chromium: the browser is asked for a
 * Basic login (WWW-Authenticate: Basic), answers with the read token as the password, and the page
 * then reads the API with it (fetch sends the login on) and shows the numbers of report --json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/analysis/report.js';
import type { Store } from '../../src/store/types.js';
import { expectTotals, startBrowserEnv, type BrowserEnv } from './browser-env.js';
import { fleetStore, referenceReport, TOKEN } from './helpers.js';

const READ = 'reader-7f3a9c';
let store: Store;
let withLogin: BrowserEnv;
let withoutLogin: BrowserEnv;

beforeAll(async () => {
  store = await fleetStore();
  withLogin = await startBrowserEnv(store, { token: TOKEN, readToken: READ }, { username: 'admin', password: READ });
  withoutLogin = await startBrowserEnv(store, { token: TOKEN, readToken: READ });
}, 240_000);

afterAll(async () => {
  await withLogin?.close();
  await withoutLogin?.close();
  await store?.close();
});

describe('dashboard behind a read token', () => {
  it('works once the browser logs in with the read token as password', async () => {
    const page = await withLogin.context.newPage();
    const api: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) api.push(r.status());
    });
    await page.goto(`${withLogin.server.url}/?at=2026-03-01T00:00:00.000Z`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await expectTotals(page, (await referenceReport(store)) as Report);
    // the page's own API reads carried the login (the second test shows they need it)
    expect(api.length).toBeGreaterThan(0);
    expect(api.filter((s) => s !== 200)).toEqual([]);
    await page.close();
  });

  it('shows nothing without the login', async () => {
    const page = await withoutLogin.context.newPage();
    const res = await page.goto(`${withoutLogin.server.url}/?at=2026-03-01T00:00:00.000Z`);
    expect(res?.status()).toBe(401);
    expect(res?.headers()['www-authenticate']).toMatch(/Basic realm="kmswatch"/);
    expect(await page.locator('[data-section="totals"]').count()).toBe(0);
    expect(await page.content()).not.toMatch(/KMS01|PC0\d\d/);
    await page.close();
  });
});
