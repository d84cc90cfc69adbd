/**
 * `watch --skip-damaged` passes the option to each collect run: a drop folder holding the
 * bit-flipped simulator log (test/helpers/damaged-evtx.ts) stores nothing of the damaged chunks;
 * without the option they are stored, marked.
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
  dir = await mkdtemp(path.join(tmpdir(), 'kmswatch-watch-damaged-'));
  fleet = damagedFleet(path.join(dir, 'sim'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** One watch run (SIGTERM arrives during it) over a drop folder holding the damaged log; the report after it. */
async function watchOnce(name: string, ...extra: string[]) {
  const drop = path.join(dir, name);
  await mkdir(drop);
  await copyFile(fleet.damaged, path.join(drop, 'kms.evtx'));
  const config = path.join(drop, 'kmswatch.yaml');
  await writeFile(config, 'sources:\n  - files: "*.evtx"\n');
  const signals = {
    once: (sig: string, fn: () => void) => void (sig === 'SIGTERM' && setImmediate(fn)),
    removeListener: () => undefined,
  };
  const store = createMemoryStore();
  const r = await runMine(['watch', '--config', config, '--every', '1h', ...extra], { store, signals, now: fleet.newest });
  expect(r.stderr).toContain('stopping after the current run');
  return { r, report: await buildReport(store, { at: fleet.newest, timezone: 'UTC' }) };
}

describe('watch --skip-damaged', () => {
  it('leaves out the events of damaged chunks, as collect --skip-damaged; without it they are kept, marked', async () => {
    const skipped = await watchOnce('skip', '--skip-damaged');
    expect(skipped.r.code).toBe(1); // the file is damaged all the same
    expect([skipped.report.clones, skipped.report.hosts.map((h) => h.host), skipped.report.damaged.requests]).toEqual([[], [fleet.host], 0]);

    const kept = await watchOnce('keep');
    expect(kept.r.code).toBe(1);
    expect(kept.report.clones.map((c) => c.damagedOnly)).toEqual([true]);
    expect(kept.report.damaged.requests).toBe(fleet.machineChunkRecords + fleet.hostChunkRecords);
  });
});
