/**
 * The offline page parses in a Web Worker (src/web/dashboard/src/offline-worker.ts), in a real
 * Chromium: a Security log is reported as holding no KMS events (no dashboard); the page keeps
 * running its own timers while a ~17 MB KMS log (written here by the simulator) is parsed, and
 * shows progress before the end; Cancel stops the work and a second drop works; problems are a
 * counted alert above the results. Expected values come from the Node path over the same bytes
 * (readBytesSource → ingestEvents) or from python-evtx's output for the corpus files.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvents } from '../../src/ingest/ingest.js';
import { simulate } from '../../src/simulate/index.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { readBytesSource } from '../../src/web/bytes-source.js';
import { damagedFleet, type DamagedFleet } from '../helpers/damaged-evtx.js';
import { corpusDir } from '../helpers/paths.js';
import { field, shown, startBrowserEnv, type BrowserEnv } from './browser-env.js';
import { formatSamples } from './format-samples.js';

/** The largest pause between two ticks of a 50 ms timer the page may have while it parses. */
const MAX_TICK_GAP_MS = 250;

let work: string;
let empty: Store;
let env: BrowserEnv;
let fleet: DamagedFleet;
/** The simulator's Key Management Service log of one host, ≈ 17 MB. */
let bigLog: { name: string; buffer: Buffer; requests: number };

async function nodeIngest(bytes: Uint8Array, file: string) {
  return ingestEvents(createMemoryStore(), readBytesSource(bytes, { file, timezone: 'UTC' }), {});
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'kmswatch-offline-worker-'));
  fleet = damagedFleet(path.join(work, 'fleet'));
  // 900 clients over 120 days on one host: 16.9 MB of EVTX (the size the issue measured the freeze on)
  const sim = simulate({ out: path.join(work, 'big'), clients: 900, hosts: 1, days: 120, seed: 5, format: 'evtx' });
  const file = sim.files.find((f) => f.endsWith('-kms.evtx'))!;
  const buffer = readFileSync(file);
  bigLog = { name: 'Key Management Service.evtx', buffer, requests: (await nodeIngest(buffer, 'Key Management Service.evtx')).requests };
  empty = createMemoryStore();
  await empty.migrate();
  env = await startBrowserEnv(empty);
}, 240_000);

afterAll(async () => {
  await env?.close();
  await empty?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface OpenPage {
  page: Page;
  /** URLs of the workers the page started, and of those that have ended. */
  workers: string[];
  closed: string[];
}

async function openPage(): Promise<OpenPage> {
  const page = await env.context.newPage();
  const workers: string[] = [];
  const closed: string[] = [];
  page.on('worker', (w) => {
    workers.push(w.url());
    w.on('close', () => closed.push(w.url()));
  });
  await page.goto(`${env.server.url}/offline.html`);
  return { page, workers, closed };
}

async function drop(page: Page, files: { name: string; buffer: Buffer }[]): Promise<void> {
  await page.setInputFiles('#file', files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: f.buffer })));
}

async function done(page: Page): Promise<void> {
  await page.waitForFunction(() => ['true', 'failed', 'needs-host'].includes(document.body.dataset.ready ?? ''), undefined, { timeout: 120_000 });
}

/** Event ids of a corpus sample as python-evtx printed them, ascending and distinct. */
function peerEventIds(sample: string): { ids: number[]; records: number } {
  const xml = readFileSync(path.join(corpusDir, 'expected', `${sample}.python-evtx.xml`), 'utf8');
  const all = [...xml.matchAll(/<EventID[^>]*>(\d+)<\/EventID>/g)].map((m) => Number(m[1]));
  return { ids: [...new Set(all)].sort((a, b) => a - b), records: all.length };
}

describe('offline page: a file with no KMS events', () => {
  it('a Security log is named as such, with its event ids and the log to export; no dashboard', async () => {
    const { page, workers } = await openPage();
    await drop(page, [{ name: 'Security.evtx', buffer: readFileSync(path.join(corpusDir, 'evtxrs__Security_short_selected.evtx')) }]);
    await done(page);
    const peer = peerEventIds('evtxrs__Security_short_selected');
    const notice = page.locator('[data-section="no-kms"]');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.locator('h2').textContent()).toBe('No Key Management Service events in this file');
    expect(await notice.locator('p[data-file="Security.evtx"]').textContent()).toBe(
      `Security.evtx is a Security log (${peer.records} events, event ids ${peer.ids.join(', ')}): it holds no Key Management Service events.`,
    );
    expect(await notice.textContent()).toContain('wevtutil epl "Key Management Service" kms.evtx');
    // no zero dashboard, no "as of today"
    expect(await page.locator('[data-section="totals"], .count-card, .as-of, #nav button').count()).toBe(0);
    expect(await field(page, '[data-section="ingest"]', 'events')).toBe(shown(peer.records));
    expect(await field(page, '[data-section="ingest"]', 'requests')).toBe('0');
    expect(await page.locator('#status.error').textContent()).toContain('Security.evtx: No Key Management Service events in this file');
    expect(workers.some((u) => /offline-worker/.test(u))).toBe(true);
    // read on a phone: the notice and its commands wrap instead of widening the page
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.close();
  });

  it('dropped with a KMS log: the report is shown, and the Security log is named above it as left out', async () => {
    const { page } = await openPage();
    await drop(page, [
      { name: 'Key Management Service.evtx', buffer: readFileSync(fleet.clean) },
      { name: 'new-user-security.evtx', buffer: readFileSync(path.join(corpusDir, 'evtxrs__new-user-security.evtx')) },
    ]);
    await done(page);
    const peer = peerEventIds('evtxrs__new-user-security');
    const notice = page.locator('[data-section="no-kms"]');
    expect(await notice.locator('h2').textContent()).toBe('1 file the report below does not count');
    expect(await notice.locator('p[data-file]').allTextContents()).toEqual([
      `new-user-security.evtx is a Security log (${peer.records} events, event ids ${peer.ids.join(', ')}): it holds no Key Management Service events.`,
    ]);
    const node = await nodeIngest(readFileSync(fleet.clean), 'Key Management Service.evtx');
    expect(node.requests).toBeGreaterThan(0);
    expect(await field(page, '[data-section="ingest"]', 'requests')).toBe(shown(node.requests));
    expect(await field(page, '[data-section="totals"]', 'totals.requests')).toBe(shown(node.requests));
    await page.close();
  });
});

/** `wevtutil qe Application /f:xml` of a KMS client: one request sent and its answer (kms-events.md §2.3 fields). */
function clientLogXml(): string {
  const event = (id: number, record: number, time: string, info: string) =>
    `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-SPP"/><EventID Qualifiers="16384">${id}</EventID>` +
    `<TimeCreated SystemTime="${time}"/><EventRecordID>${record}</EventRecordID><Channel>Application</Channel><Computer>pc-0042.corp.contoso.com</Computer></System>` +
    `<EventData><Data>${info}</Data></EventData></Event>`;
  return [
    event(12288, 501, '2026-09-29T17:52:00Z', '0x0, 0x8, kms01.corp.contoso.com:1688, 08c3bda0-c556-4b61-9e4e-7bf6d4df80be, 2026/9/29 17:52, 0, 2, 40123, cf67834d-db4a-402c-ab1f-2c134f02b700, 25'),
    event(12289, 502, '2026-09-29T17:52:01Z', '0x0, 0x4000008, 1, 0, 31, 120, 10080, 9/29/2026 17:52'),
  ].join('\n');
}

describe("offline page: a KMS client's own log", () => {
  it('holds KMS events but nothing a host counts: said so, no zero dashboard', async () => {
    const { page } = await openPage();
    await drop(page, [{ name: 'client-application.xml', buffer: Buffer.from(clientLogXml()) }]);
    await done(page);
    const notice = page.locator('[data-section="no-kms"]');
    expect(await notice.locator('h2').textContent()).toBe('No activation requests to report on');
    // two events written above, both client events
    expect(await notice.locator('p[data-file="client-application.xml"]').textContent()).toContain("is a KMS client's log (2 client events");
    expect(await page.locator('[data-section="totals"], .count-card, #nav button').count()).toBe(0);
    expect(await field(page, '[data-section="ingest"]', 'events')).toBe('2');
    await page.close();
  });
});

describe("offline page: a KMS host's Application log (host events only)", () => {
  it('is reported as of its newest event, not dated today', async () => {
    const event = (id: number, record: number, time: string, data: string[]) =>
      `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Security-SPP"/><EventID Qualifiers="16384">${id}</EventID>` +
      `<TimeCreated SystemTime="${time}"/><EventRecordID>${record}</EventRecordID><Channel>Application</Channel><Computer>kms02.corp.contoso.com</Computer></System>` +
      `<EventData>${data.map((d) => `<Data>${d}</Data>`).join('')}</EventData></Event>`;
    // 12293 (DNS publishing failed: HRESULT, domain) then 12294 (published: domain), kms-events.md App. B
    const xml = [
      event(12293, 7, '2015-10-27T17:00:00Z', ['0x8007232A', 'corp.contoso.com']),
      event(12294, 8, '2015-10-27T18:00:00Z', ['corp.contoso.com']),
    ].join('\n');
    const { page } = await openPage();
    await drop(page, [{ name: 'Application.xml', buffer: Buffer.from(xml) }]);
    await done(page);
    expect(await page.locator('[data-section="no-kms"]').count()).toBe(0);
    // the newer of the two events written above
    expect(await page.locator('.as-of [data-field="at"]').textContent()).toContain('2015-10-27 18:00');
    await page.close();
  });
});

describe('offline page: without a worker', () => {
  it('runs the same analysis in the page itself', async () => {
    const page = await env.context.newPage();
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    await page.addInitScript(() => {
      (window as unknown as { Worker: unknown }).Worker = undefined;
    });
    await page.goto(`${env.server.url}/offline.html`);
    await drop(page, [{ name: 'Key Management Service.evtx', buffer: readFileSync(fleet.clean) }]);
    await done(page);
    const node = await nodeIngest(readFileSync(fleet.clean), 'Key Management Service.evtx');
    expect(await field(page, '[data-section="ingest"]', 'requests')).toBe(shown(node.requests));
    expect(await field(page, '[data-section="totals"]', 'totals.requests')).toBe(shown(node.requests));
    expect(workers).toEqual([]);
    await page.close();
  });
});

describe('offline page: problems', () => {
  it('are a counted alert above the results', async () => {
    const { page } = await openPage();
    await drop(page, [{ name: 'Key Management Service.evtx', buffer: readFileSync(fleet.damaged) }]);
    await done(page);
    const node = await nodeIngest(readFileSync(fleet.damaged), 'Key Management Service.evtx');
    const alert = page.locator('[data-section="ingest"] [role="alert"]');
    expect(await alert.locator('h3').textContent()).toBe(`${node.issues.length} problems reading the file`);
    expect(await alert.locator('li').count()).toBe(node.issues.length);
    expect(await alert.isVisible()).toBe(true);
    const above = await page.evaluate(() => {
      const problems = document.querySelector('[data-section="ingest"] [role="alert"]')!;
      const results = document.querySelector('[data-section="totals"]')!;
      return (problems.compareDocumentPosition(results) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    });
    expect(above).toBe(true);
    await page.close();
  });

  it('an Event Viewer save without a host name still asks for it', async () => {
    const sample = formatSamples().find((s) => s.host !== undefined)!;
    const { page } = await openPage();
    await drop(page, [{ name: sample.name, buffer: Buffer.from(sample.bytes) }]);
    await done(page);
    expect(await page.evaluate(() => document.body.dataset.ready)).toBe('needs-host');
    expect(await page.locator('#status.error').textContent()).toContain('names no computer');
    await page.close();
  });
});

describe('offline page: a 17 MB log', () => {
  it('is large enough to have frozen the page before', () => {
    expect(bigLog.buffer.length).toBeGreaterThan(15e6);
    expect(bigLog.buffer.length).toBeLessThan(20e6);
  });

  it('keeps the page responsive while it parses, and shows progress before the end', async () => {
    const { page, workers } = await openPage();
    await page.evaluate(() => {
      const w = window as unknown as { ticks: number[]; states: { state: string; t: number }[]; progress: { read: number; total: number; records: number }[] };
      w.ticks = [];
      w.states = [];
      w.progress = [];
      setInterval(() => w.ticks.push(performance.now()), 50);
      new MutationObserver(() => w.states.push({ state: document.body.dataset.ready ?? '', t: performance.now() })).observe(document.body, { attributes: true, attributeFilter: ['data-ready'] });
      const box = document.getElementById('progress')!;
      new MutationObserver(() => {
        if (box.dataset.records) w.progress.push({ read: Number(box.dataset.bytesRead), total: Number(box.dataset.bytesTotal), records: Number(box.dataset.records) });
      }).observe(box, { attributes: true, attributeFilter: ['data-records'] });
    });
    await drop(page, [bigLog]);
    await done(page);
    const seen = await page.evaluate(() => {
      const w = window as unknown as { ticks: number[]; states: { state: string; t: number }[]; progress: { read: number; total: number; records: number }[] };
      return { ticks: w.ticks, states: w.states, progress: w.progress };
    });
    const from = seen.states.find((s) => s.state === 'parsing')!.t;
    const to = seen.states.find((s) => s.state === 'rendering')!.t;
    expect(to - from).toBeGreaterThan(0);
    // the pauses between the parse's start, each tick during it, and its end: setInputFiles' own
    // transfer of 17 MB into the page comes before (the harness, not the page), and drawing the
    // results (shell.ts renderAll) after
    const ticks = [from, ...seen.ticks.filter((t) => t > from && t < to), to];
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]);
    const largest = Math.max(...gaps);
    expect(largest, `largest pause ${largest.toFixed(0)} ms over a parse of ${(to - from).toFixed(0)} ms`).toBeLessThan(MAX_TICK_GAP_MS);
    expect(seen.progress.some((p) => p.records > 0 && p.read < p.total && p.total === bigLog.buffer.length)).toBe(true);
    expect(await field(page, '[data-section="ingest"]', 'requests')).toBe(shown(bigLog.requests));
    expect(await page.locator('#progress').isHidden()).toBe(true);
    expect(workers.some((u) => /offline-worker/.test(u))).toBe(true);
    await page.close();
  }, 180_000);

  it('a drop while it parses replaces the running analysis', async () => {
    const { page, workers, closed } = await openPage();
    await drop(page, [bigLog]);
    await page.waitForFunction(() => Number(document.getElementById('progress')?.dataset.records ?? 0) > 0, undefined, { timeout: 60_000 });
    await drop(page, [{ name: 'Security.evtx', buffer: readFileSync(path.join(corpusDir, 'evtxrs__Security_short_selected.evtx')) }]);
    await done(page);
    expect(await page.locator('[data-section="no-kms"] p[data-file]').allTextContents()).toEqual([expect.stringMatching(/^Security\.evtx is a Security log/)]);
    expect(await page.locator('[data-section="totals"]').count()).toBe(0);
    expect(workers).toHaveLength(2);
    await expect.poll(() => closed, { timeout: 15_000 }).toEqual([workers[0]]); // the first one, terminated
    await page.close();
  }, 180_000);

  it('Cancel stops the parse and leaves the page ready for another drop', async () => {
    const { page, workers, closed } = await openPage();
    await drop(page, [bigLog]);
    await page.waitForFunction(() => Number(document.getElementById('progress')?.dataset.records ?? 0) > 0, undefined, { timeout: 60_000 });
    expect(closed).toEqual([]);
    await page.click('#cancel');
    await expect.poll(() => closed.length, { timeout: 15_000 }).toBe(1); // the worker is terminated
    expect(closed).toEqual(workers);
    expect(await page.evaluate(() => document.body.dataset.ready)).toBe('cancelled');
    expect(await page.locator('#progress').isHidden()).toBe(true);
    expect(await page.locator('#status').textContent()).toMatch(/^Cancelled/);
    // the worker is gone: no result arrives later
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => document.body.dataset.ready)).toBe('cancelled');
    expect(await page.locator('[data-section="ingest"], [data-section="totals"]').count()).toBe(0);
    await drop(page, [bigLog]);
    await done(page);
    expect(await page.evaluate(() => document.body.dataset.ready)).toBe('true');
    expect(await field(page, '[data-section="ingest"]', 'requests')).toBe(shown(bigLog.requests));
    await page.close();
  }, 180_000);
});
