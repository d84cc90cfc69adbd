/**
 * The offline page (src/web/dashboard/src/offline.ts) in a real Chromium, as test/web/browser.test.ts
 * drives it: a dropped EVTX whose chunks fail their CRC lists each as a problem and says how many
 * events came from damaged chunks; a no-CRC file is no problem, only a note. The numbers come from
 * the same bytes read in Node (bytes-source + ingestEvents).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvents } from '../../src/ingest/ingest.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { readBytesSource } from '../../src/web/bytes-source.js';
import { damagedFleet, type DamagedFleet } from '../helpers/damaged-evtx.js';
import { corpusDir } from '../helpers/paths.js';
import { startBrowserEnv, type BrowserEnv } from './browser-env.js';

let work: string;
let store: Store;
let env: BrowserEnv;
let server: BrowserEnv['server'];
let context: BrowserEnv['context'];
let fleet: DamagedFleet;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'kmswatch-offline-damage-'));
  fleet = damagedFleet(path.join(work, 'fleet'));
  store = createMemoryStore();
  env = await startBrowserEnv(store, { token: 'offline-damage-token' });
  ({ server, context } = env);
}, 180_000);

afterAll(async () => {
  await env?.close();
  await store?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function drop(name: string, file: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/offline.html`);
  await page.setInputFiles('#file', { name, mimeType: 'application/octet-stream', buffer: readFileSync(file) });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  return page;
}

describe('offline page: damaged EVTX', () => {
  it('each damaged chunk is a problem on the page; the events from them are counted and named', async () => {
    const page = await drop('Key Management Service.evtx', fleet.damaged);
    const node = await ingestEvents(createMemoryStore(), readBytesSource(readFileSync(fleet.damaged), { file: 'Key Management Service.evtx', timezone: 'UTC' }), {});
    expect(node.issues).toHaveLength(2);
    const ingest = page.locator('[data-section="ingest"]');
    expect(await ingest.locator('[data-field="issues"]').textContent()).toBe('2');
    expect(await ingest.locator('ul.issues li').allTextContents()).toEqual(node.issues.map((i) => `${i.file}: ${i.reason}`));
    const damaged = (await ingest.locator('[data-field="damaged"]').textContent()) ?? '';
    expect(damaged).toContain(`${fleet.machineChunkRecords + fleet.hostChunkRecords} requests and 0 other events come from EVTX chunks whose CRC fails`);
    expect(damaged).toContain(`chunk ${fleet.hostRecord.chunk}: ${fleet.flippedHost}, records ${fleet.hostChunkIds.first}–${fleet.hostChunkIds.last}`);
    await page.close();
  });

  it('a file without CRCs (NO_CRC32): no problem, one note', async () => {
    const page = await drop('Application.evtx', path.join(corpusDir, 'evtxrs__Application_no_crc32.evtx'));
    const ingest = page.locator('[data-section="ingest"]');
    expect(await ingest.locator('[data-field="issues"]').textContent()).toBe('0');
    expect(await ingest.locator('ul.notes li').allTextContents()).toEqual(['Application.evtx: note: CRCs not checked: the file says it carries none (NO_CRC32 flag)']);
    await page.close();
  });
});
