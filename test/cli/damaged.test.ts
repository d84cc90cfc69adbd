/**
 * Damaged EVTX through the CLI (docs/definitions.md "damaged chunk"): `ingest` fails (exit 1) on
 * CRC failures and on a file cut short, names file, chunk, check and record ids; notes (no-CRC
 * and dirty logs) do not fail it; `report` text, --json and --csv show what came from damaged
 * chunks; --skip-damaged leaves it out. Files: real corpus files and a bit-flipped simulator log
 * (test/helpers/damaged-evtx.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { damagedFleet, type DamagedFleet } from '../helpers/damaged-evtx.js';
import { corpusDir } from '../helpers/paths.js';
import { runCliOnDb } from './helpers.js';

let dir: string;
let fleet: DamagedFleet;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-cli-damaged-'));
  fleet = damagedFleet(path.join(dir, 'fleet'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (db: string, ...args: string[]) => runCliOnDb(path.join(dir, db), ...args);

/** The first `chunks` chunk slots of `file`, header included, as a new file. */
function cut(file: string, chunks: number, name: string): string {
  const out = path.join(dir, name);
  writeFileSync(out, readFileSync(file).subarray(0, 4096 + chunks * 65536));
  return out;
}

describe('ingest: damaged EVTX is never silent', () => {
  it('a file copied short at a chunk boundary (real and simulated): exit 1, the cut named, not "No problems"', async () => {
    // security.evtx: header 26 chunks, next record id 2226; chunks 0-4 hold records 1-441
    const real = cut(path.join(corpusDir, 'evtxrs__security.evtx'), 5, 'security-cut.evtx');
    // the simulator's KMS log: 7 chunks; 3 kept
    const simulated = cut(fleet.clean, 3, 'kms-cut.evtx');
    for (const [file, counted] of [[real, 26], [simulated, 7]] as const) {
      const r = await cli('cut.db', 'ingest', '--timezone', 'UTC', file);
      expect(r.code, file).toBe(1);
      expect(r.stdout).not.toContain('No problems.');
      expect(r.stderr).toContain(`kmswatch: ${file}: offset 0x${readFileSync(file).length.toString(16)}: the file ends after ${counted === 26 ? 5 : 3} chunks but its header counts ${counted}: it was cut short`);
    }
  });

  it('a no-CRC file and a dirty log whose header count lags: exit 0, "No problems.", a note each', async () => {
    const noCrc = path.join(corpusDir, 'evtxrs__Application_no_crc32.evtx');
    const dirty = path.join(corpusDir, 'evtxrs__2-vss_7-System.evtx');
    const r = await cli('notes.db', 'ingest', '--timezone', 'UTC', noCrc, dirty);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No problems. 2 notes below.');
    expect(r.stderr).toContain(`kmswatch: note: ${noCrc}: offset 0x0: CRCs not checked`);
    expect(r.stderr).toContain(`kmswatch: note: ${dirty}: offset 0x0: the header counts 4 chunks, the file holds 11`);
    const json = JSON.parse((await cli('notes.db', 'ingest', '--timezone', 'UTC', '--json', noCrc)).stdout);
    expect([json.issues, json.notes.map((n: { check: string }) => n.check)]).toEqual([[], ['no CRC']]);
  });

  it('a real VSS copy with bad data CRCs: exit 1, one line per chunk with check and record ids', async () => {
    const file = path.join(corpusDir, 'evtxrs__2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx');
    const r = await cli('vss.db', 'ingest', '--timezone', 'UTC', '--json', file);
    expect(r.code).toBe(1);
    const crc = JSON.parse(r.stdout).issues.filter((i: { check?: string }) => i.check);
    expect(crc.map((i: { chunk: number; check: string }) => [i.chunk, i.check])).toEqual([[0, 'chunk data CRC'], [13, 'chunk data CRC']]);
    expect(r.stderr).toMatch(/: chunk 0: data CRC mismatch \(the chunk changed after it was written\): records 6334916–\d+ read from it may carry changed values/);
  });
});

describe('the bit-flipped simulator log through ingest and report', () => {
  it('ingest: exit 1, both chunks named, the kept events counted', async () => {
    const r = await cli('flip.db', 'ingest', '--timezone', 'UTC', fleet.damaged);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`chunk ${fleet.machineRecord.chunk}: data CRC mismatch (the chunk changed after it was written): records ${fleet.machineChunkIds.first}–${fleet.machineChunkIds.last}`);
    expect(r.stderr).toContain(`chunk ${fleet.hostRecord.chunk}: data CRC mismatch`);
    const kept = fleet.machineChunkRecords + fleet.hostChunkRecords;
    expect(r.stdout).toContain(`${kept} events came from EVTX chunks whose CRC fails: stored, and marked in the report`);
  });

  it('report: --json damaged section and flags, the text section and warnings, the CSV section and column', async () => {
    const at = new Date(fleet.newest).toISOString();
    const json = JSON.parse((await cli('flip.db', 'report', '--json', '--at', at, '--timezone', 'UTC')).stdout);
    expect(json.damaged.chunks.map((c: { chunk: number; host: string }) => [c.chunk, c.host])).toEqual([[fleet.machineRecord.chunk, fleet.host], [fleet.hostRecord.chunk, fleet.flippedHost]]);
    expect(json.clones).toEqual([expect.objectContaining({ machines: [fleet.machine, fleet.flippedMachine], damagedOnly: true })]);
    const text = (await cli('flip.db', 'report', '--at', at, '--timezone', 'UTC')).stdout;
    expect(text).toContain('From damaged chunks (EVTX CRC failed: kept, marked; ingest --skip-damaged leaves them out)');
    expect(text).toContain(`! Clones seen only from damaged chunks (CRC failed): ${fleet.cmid} (${fleet.machine} / ${fleet.flippedMachine})`);
    expect(text).toContain(`! Hosts seen only from damaged chunks (CRC failed): ${fleet.flippedHost}`);
    const csv = (await cli('flip.db', 'report', '--csv', '--section', 'damaged', '--at', at, '--timezone', 'UTC')).stdout.trimEnd().split('\r\n');
    expect(csv[0]).toBe('file,chunk,check,host,channel,firstRecordId,lastRecordId,requests,events');
    expect(csv[1]).toBe(`${fleet.damaged},${fleet.machineRecord.chunk},chunk data CRC,${fleet.host},Key Management Service,${fleet.machineChunkIds.first},${fleet.machineChunkIds.last},${fleet.machineChunkRecords},0`);
    expect(csv).toHaveLength(3);
    const clones = (await cli('flip.db', 'report', '--csv', '--section', 'clones', '--at', at, '--timezone', 'UTC')).stdout.split('\r\n');
    expect(clones[0].endsWith(',damagedOnly')).toBe(true);
    expect(clones[1].endsWith(',true')).toBe(true);
  });

  it('ingest --skip-damaged: the events are left out and said so; no clone, no second host', async () => {
    const r = await cli('skip.db', 'ingest', '--timezone', 'UTC', '--skip-damaged', '--json', fleet.damaged);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    expect([summary.damagedKept, summary.damagedSkipped]).toEqual([0, fleet.machineChunkRecords + fleet.hostChunkRecords]);
    const json = JSON.parse((await cli('skip.db', 'report', '--json', '--at', new Date(fleet.newest).toISOString(), '--timezone', 'UTC')).stdout);
    expect([json.clones, json.hosts.map((h: { host: string }) => h.host), json.damaged.chunks]).toEqual([[], [fleet.host], []]);
  });
});
