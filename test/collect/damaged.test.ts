/**
 * `collect` on a drop folder holding a bit-flipped simulator log (test/helpers/damaged-evtx.ts):
 * the damaged chunks are problems (exit 1, named on stderr), their events are stored marked, and
 * --skip-damaged leaves them out.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/analysis/report.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { damagedFleet, type DamagedFleet } from '../helpers/damaged-evtx.js';
import { runMine } from './cli.js';

let dir: string;
let fleet: DamagedFleet;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kmswatch-collect-damaged-'));
  fleet = damagedFleet(path.join(dir, 'sim'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function dropFolder(name: string): Promise<string> {
  const drop = path.join(dir, name);
  await mkdir(drop);
  await copyFile(fleet.damaged, path.join(drop, 'kms.evtx'));
  const config = path.join(drop, 'kmswatch.yaml');
  await writeFile(config, 'sources:\n  - files: "*.evtx"\n');
  return config;
}

describe('collect: damaged EVTX', () => {
  it('problems on stderr, exit 1; the events kept and marked', async () => {
    const config = await dropFolder('keep');
    const store = createMemoryStore();
    const r = await runMine(['collect', '--config', config, '--at', new Date(fleet.newest).toISOString()], { store });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kms.evtx: offset 0x${(4096 + fleet.machineRecord.chunk * 65536).toString(16)}: chunk ${fleet.machineRecord.chunk}: data CRC mismatch`);
    expect(r.stderr).toContain(`chunk ${fleet.hostRecord.chunk}: data CRC mismatch`);
    const report = await buildReport(store, { at: fleet.newest, timezone: 'UTC' });
    expect(report.clones.map((c) => c.damagedOnly)).toEqual([true]);
    expect(report.damaged.requests).toBe(fleet.machineChunkRecords + fleet.hostChunkRecords);
  });

  it('--skip-damaged: nothing from the damaged chunks is stored (still exit 1: the file is damaged)', async () => {
    const config = await dropFolder('skip');
    const store = createMemoryStore();
    const r = await runMine(['collect', '--config', config, '--skip-damaged', '--at', new Date(fleet.newest).toISOString()], { store });
    expect(r.code).toBe(1);
    const report = await buildReport(store, { at: fleet.newest, timezone: 'UTC' });
    expect([report.clones, report.hosts.map((h) => h.host), report.damaged.requests]).toEqual([[], [fleet.host], 0]);
  });
});
