// collect's file sources and exports that name no computer (Event Viewer saves): the source's
// `host:` is required for them and matched to the stored host it means; `encoding:` reads cmd.exe text.
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/alerts/load-config.js';
import { runCollect } from '../../src/collect/collect.js';
import { defaultIngestor } from '../../src/collect/ingestor.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { repoRoot } from '../helpers/paths.js';

const AT = Date.parse('2026-02-10T00:00:00Z');
const sources = (name: string) => path.join(repoRoot, 'test/fixtures/sources', name);

async function setup(files: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kmswatch-collect-hosts-'));
  await mkdir(path.join(dir, 'xml'));
  await mkdir(path.join(dir, 'saves'));
  await copyFile(sources('wevtutil-kms01.xml'), path.join(dir, 'xml', 'kms01.xml'));
  for (const f of files) await copyFile(sources(f), path.join(dir, 'saves', f));
  return dir;
}

async function collect(dir: string, yaml: string) {
  const store = createMemoryStore();
  await store.migrate();
  const config = parseConfigText(yaml, path.join(dir, 'kmswatch.yaml'));
  const result = await runCollect(store, { ingest: defaultIngestor }, { config, baseDir: dir, timezone: 'Europe/Berlin', at: AT, now: () => AT });
  return { store, result };
}

describe('collect: sources that name no computer', () => {
  it('without host: the source fails naming the file and the key, nothing of it is stored; the other source is', async () => {
    const dir = await setup(['eventviewer-kms01.csv']);
    const { store, result } = await collect(dir, 'sources:\n  - files: xml/*.xml\n  - files: saves/*.csv\n');
    expect(result.ok).toBe(false);
    const saves = result.sources.find((s) => s.source === 'saves/*.csv');
    expect(saves?.ingested).toBeNull();
    expect(saves?.error).toContain(path.join(dir, 'saves', 'eventviewer-kms01.csv'));
    expect(saves?.error).toContain('host: NAME');
    // only the XML source's six requests
    expect((await store.totals(AT)).requests).toBe(6);
  });

  it('with host: KMS01 the saves join KMS01.corp.contoso.com, and encoding: cp850 reads cmd.exe text', async () => {
    const dir = await setup(['eventviewer-kms01.csv', 'wevtutil-kms01-cp850.txt']);
    const { store, result } = await collect(dir, [
      'sources:',
      '  - files: xml/*.xml',
      '  - files: saves/*.csv',
      '    host: KMS01',
      '  - files: saves/*.txt',
      '    encoding: cp850',
      '',
    ].join('\n'));
    expect(result.sources.map((s) => s.error)).toEqual([undefined, undefined, undefined]);
    // 6 (XML) + 3 (later, CSV); the cp850 text holds the XML's events again (how many of them are new
    // depends on whether copies without record ids are recognised, which is not this test's subject)
    expect(result.sources.slice(0, 2).map((s) => s.ingested?.requests)).toEqual([6, 3]);
    expect(result.sources[2].ingested?.issues).toEqual([]);
    const hosts = await store.hostActivity(AT);
    expect(hosts.map((h) => h.host)).toEqual(['KMS01.corp.contoso.com']);
    const machines = (await store.latestClients(AT)).map((c) => c.machine);
    expect(machines).toContain('BÜRO-PC04');
  });
});
