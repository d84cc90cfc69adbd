/**
 * The offline page's path (src/web/bytes-source.ts: a dropped file in memory → ingestEvents →
 * memory store → buildReport) finds the same damage as the file reader: CRC failures and a cut
 * file are problems, no-CRC and dirty files notes, and the flipped simulator log's false clone and
 * bogus host are flagged.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/analysis/report.js';
import { ingestEvents, ingestFiles } from '../../src/ingest/ingest.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { readBytesSource } from '../../src/web/bytes-source.js';
import { damagedFleet } from '../helpers/damaged-evtx.js';
import { corpusDir } from '../helpers/paths.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-bytes-damage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the page's ingest and the CLI's ingest of the same bytes report. */
async function both(file: string, bytes: Uint8Array = readFileSync(file)) {
  const fromBytes = await ingestEvents(createMemoryStore(), readBytesSource(bytes, { file, timezone: 'UTC' }), {});
  const fromFile = await ingestFiles(createMemoryStore(), [file], { timezone: 'UTC' });
  const view = (s: typeof fromBytes) => ({
    problems: s.issues.filter((i) => i.check !== undefined).map((i) => [i.check, i.chunk, i.firstRecordId, i.lastRecordId, i.offset]),
    notes: s.notes.map((n) => n.check),
    kept: s.damagedKept,
  });
  return { bytes: view(fromBytes), file: view(fromFile) };
}

describe('offline path: damaged EVTX', () => {
  it('real corpus files: the same problems and notes as the file reader', async () => {
    const vss = await both(path.join(corpusDir, 'evtxrs__2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx'));
    expect(vss.bytes.problems.map((p) => p.slice(0, 2))).toEqual([['chunk data CRC', 0], ['chunk data CRC', 13]]);
    expect(vss.bytes).toEqual(vss.file);
    const cut = path.join(dir, 'security-cut.evtx');
    const security = readFileSync(path.join(corpusDir, 'evtxrs__security.evtx'));
    writeFileSync(cut, security.subarray(0, 4096 + 5 * 65536));
    const c = await both(cut);
    expect(c.bytes.problems).toEqual([['file length', undefined, 442, 2225, 4096 + 5 * 65536]]);
    expect(c.bytes).toEqual(c.file);
    for (const name of ['evtxrs__Application_no_crc32.evtx', 'evtxrs__2-vss_7-System.evtx']) {
      const n = await both(path.join(corpusDir, name));
      expect(n.bytes.problems).toEqual([]);
      expect(n.bytes.notes).toHaveLength(1);
      expect(n.bytes).toEqual(n.file);
    }
  });

  it('the flipped simulator log: same problems, and the report flags the clone and the host', async () => {
    const fleet = damagedFleet(path.join(dir, 'fleet'));
    const r = await both(fleet.damaged);
    expect(r.bytes).toEqual(r.file);
    expect(r.bytes.kept).toBe(fleet.machineChunkRecords + fleet.hostChunkRecords);
    const store = createMemoryStore();
    await ingestEvents(store, readBytesSource(readFileSync(fleet.damaged), { file: 'kms.evtx', timezone: 'UTC' }), {});
    const report = await buildReport(store, { at: fleet.newest, timezone: 'UTC' });
    expect(report.clones.map((c) => [c.machines, c.damagedOnly])).toEqual([[[fleet.machine, fleet.flippedMachine], true]]);
    expect(report.hosts.find((h) => h.host === fleet.flippedHost)?.damagedOnly).toBe(true);
  });
});
