/**
 * The offline page reads every input format `kmswatch ingest` reads: one file of each
 * (format-samples.ts) is dropped on the page's file input in a real Chromium, and the counts the
 * page shows (events, activation requests, problems, the report's totals and host cards) must be
 * those of the Node path over the same bytes: readBytesSource → ingestEvents → buildReport as of
 * the newest event (request or host event: newestEventTime, what `--at latest` means), as the page
 * judges an export. Events and problems are also held to the
 * counts made by hand in format-samples.ts.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newestEventTime } from '../../src/analysis/newest.js';
import { buildReport, type Report } from '../../src/analysis/report.js';
import { ingestEvents } from '../../src/ingest/ingest.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { readBytesSource } from '../../src/web/bytes-source.js';
import { expectTotals, field, shown, startBrowserEnv, type BrowserEnv } from './browser-env.js';
import { formatSamples, type FormatSample } from './format-samples.js';

let env: BrowserEnv;
let empty: Store;

beforeAll(async () => {
  empty = createMemoryStore();
  await empty.migrate();
  env = await startBrowserEnv(empty);
}, 180_000);

afterAll(async () => {
  await env?.close();
  await empty?.close();
});

/** What the page must show for the sample: the Node path over the same bytes. */
async function nodeView(s: FormatSample): Promise<{ events: number; requests: number; issues: number; report: Report }> {
  const store = createMemoryStore();
  await store.migrate();
  const summary = await ingestEvents(store, readBytesSource(s.bytes, { file: s.name, timezone: 'UTC', ...(s.host ? { host: s.host } : {}) }), {});
  const report = JSON.parse(JSON.stringify(await buildReport(store, { at: (await newestEventTime(store)) ?? Date.now(), timezone: 'UTC' }))) as Report;
  await store.close();
  return { events: summary.events, requests: summary.requests, issues: summary.issues.length, report };
}

/** Drops the file on the page's file input and waits until the page has analysed it or failed. */
async function drop(page: Page, s: FormatSample): Promise<void> {
  await page.goto(`${env.server.url}/offline.html`);
  if (s.host) await page.fill('#host', s.host);
  await page.setInputFiles('#file', { name: s.name, mimeType: 'application/octet-stream', buffer: Buffer.from(s.bytes) });
  await page.waitForFunction(() => document.body.dataset.ready === 'true' || document.querySelector('#status.error') !== null, undefined, { timeout: 60_000 });
}

describe('offline page: one file of each input format', () => {
  it('covers every format of the samples', () => {
    expect(new Set(formatSamples().map((s) => s.format)).size).toBeGreaterThanOrEqual(10);
  });

  for (const sample of formatSamples()) {
    it(`analyses ${sample.label} (${sample.name})`, async () => {
      const page = await env.context.newPage();
      const uploads: string[] = [];
      page.on('request', (r) => {
        if (r.method() !== 'GET') uploads.push(`${r.method()} ${r.url()}`);
      });
      try {
        await drop(page, sample);
        const status = (await page.locator('#status').textContent()) ?? '';
        expect(await page.locator('#status.error').count(), status).toBe(0);
        expect(status).toMatch(/Nothing was uploaded/);
        const expected = await nodeView(sample);
        expect(expected.events).toBe(sample.events);
        expect(expected.issues).toBe(sample.issues);
        expect(await field(page, '[data-section="ingest"]', 'events')).toBe(shown(sample.events));
        expect(await field(page, '[data-section="ingest"]', 'issues')).toBe(shown(sample.issues));
        expect(await field(page, '[data-section="ingest"]', 'requests')).toBe(shown(expected.requests));
        await expectTotals(page, expected.report, sample.name);
        expect(uploads).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
