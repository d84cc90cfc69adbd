import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate, SimulateError } from '../../src/simulate/index.js';
import { readEvtxSource } from '../../src/sources/evtx.js';
import type { RawEvent } from '../../src/sources/types.js';
import { PEERS, SIM_OPTIONS, committedRecords, committedSums, sha256, simulatedInputs, staleMessage } from '../fixtures/peers/cases.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kmswatch-sim-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex');
  return out;
}

async function ownReader(file: string): Promise<RawEvent[]> {
  const events: RawEvent[] = [];
  for await (const item of readEvtxSource(file, { file, timezone: 'UTC' })) {
    if (!item.ok) throw new Error(`${file}: ${item.issue.reason}`);
    events.push(item.event);
  }
  return events;
}

describe('simulate', () => {
  const base = { clients: 100, hosts: 3, days: 45 };
  const run = simulate({ out: path.join(tmp, 'a'), seed: 7, ...base });

  it('is deterministic: the same seed gives byte-identical files, another seed other files', () => {
    const again = simulate({ out: path.join(tmp, 'b'), seed: 7, ...base });
    expect(digest(path.join(tmp, 'b'))).toEqual(digest(path.join(tmp, 'a')));
    expect(again.requests).toBe(run.requests);
    simulate({ out: path.join(tmp, 'c'), seed: 8, ...base });
    expect(digest(path.join(tmp, 'c'))['kms01-kms.evtx']).not.toBe(digest(path.join(tmp, 'a'))['kms01-kms.evtx']);
  });

  it('writes one KMS and one Application log per host plus truth.json', () => {
    expect(readdirSync(path.join(tmp, 'a')).sort()).toEqual([
      'kms01-application.evtx', 'kms01-kms.evtx', 'kms02-application.evtx', 'kms02-kms.evtx',
      'kms03-application.evtx', 'kms03-kms.evtx', 'truth.json',
    ]);
    const onDisk = JSON.parse(readFileSync(run.truthFile, 'utf8'));
    expect(onDisk.totals).toEqual(run.truth.totals);
  });

  it('contains every scenario the issue asks for', () => {
    const t = run.truth;
    expect(t.totals.hosts).toBe(3);
    expect(t.clones.length).toBeGreaterThanOrEqual(1);
    expect(t.clones[0].machines.length).toBe(3);
    const results = new Set(t.failures.map((f) => f.result));
    expect(results).toEqual(new Set(['0xC004F06C', '0xC004F042']));
    expect(t.hosts.some((h) => h.dnsPublishFailures > 0)).toBe(true);
    expect(t.hosts.every((h) => h.dnsPublishFailures + h.dnsPublishSuccesses === base.days)).toBe(true);
    expect(t.logClears).toHaveLength(1);
    expect(t.totals.anomalies).toBe(1);
    // the stuck host (the last one) never reaches 25 for client OSes
    const stuck = t.hosts[2].counts.find((c) => c.application === 'Windows')!;
    expect(stuck.current).toBeLessThan(25);
    expect(stuck.thresholds.find((x) => x.minimum === 25)!.met).toBe(false);
    // the others do, for Windows and Office
    for (const h of t.hosts.slice(0, 2)) for (const c of h.counts) expect(c.thresholds.every((x) => x.met)).toBe(true);
    expect(t.clients.notificationCount).toBeGreaterThan(0);
    expect(t.clients.byState['1']).toBeGreaterThan(0);
  });

  it('another start date shifts the fleet in time and changes nothing else (the demo ends "now")', () => {
    // The model has no calendar (no weekdays, no month ends): only the date moves.
    const shifted = simulate({ out: path.join(tmp, 'd'), seed: 7, ...base, start: '2026-11-02T13:00:00Z' });
    const shift = Date.parse('2026-11-02T13:00:00Z') - Date.parse('2025-01-06T00:00:00Z');
    const move = (iso: string | null) => (iso === null ? null : new Date(Date.parse(iso) + shift).toISOString());
    expect(shifted.truth.totals).toEqual(run.truth.totals);
    expect(shifted.truth.clients).toEqual(run.truth.clients);
    expect(shifted.truth.clones).toEqual(run.truth.clones);
    expect(shifted.truth.hosts).toEqual(run.truth.hosts.map((h) => ({ ...h, firstRequestAt: move(h.firstRequestAt), lastRequestAt: move(h.lastRequestAt) })));
    expect(shifted.truth.failures).toEqual(run.truth.failures.map((f) => ({ ...f, lastAt: move(f.lastAt) })));
  });

  it('refuses bad options with a typed error', () => {
    expect(() => simulate({ out: path.join(tmp, 'x'), clients: 0 })).toThrow(SimulateError);
    expect(() => simulate({ out: path.join(tmp, 'x'), start: 'yesterday' })).toThrow(/--start/);
  });

  // The peers' outputs on a small simulation with a fixed seed are committed in test/fixtures/peers
  // (`npm run test:peers` reruns evtxexport and python-evtx on the same files and requires the same output).
  it(`evtxexport, python-evtx and our reader agree on every simulated .evtx (seed ${SIM_OPTIONS.seed}, committed outputs)`, async () => {
    const sums = committedSums();
    const dir = path.join(tmp, 'peers');
    const inputs = simulatedInputs(dir);
    expect(inputs.map((i) => i.name)).toEqual([...sums.keys()].filter((n) => n.startsWith('sim-')).sort());
    let records = 0;
    for (const { name, bytes } of inputs) {
      // the simulator still writes the bytes the peers read
      expect(sha256(bytes), staleMessage(name)).toBe(sums.get(name));
      const ours = await ownReader(path.join(dir, `${name.slice('sim-'.length)}.evtx`));
      expect(ours.length, name).toBeGreaterThan(0);
      records += ours.length;
      for (const peer of PEERS) {
        const theirs = committedRecords(name, peer);
        expect(theirs.length, `${name} ${peer}`).toBe(ours.length);
        expect(theirs.map((r) => r.recordId), `${name} ${peer}`).toEqual(ours.map((e) => e.recordId));
        expect(theirs.map((r) => r.eventId), `${name} ${peer}`).toEqual(ours.map((e) => e.eventId));
        expect(theirs.map((r) => r.data), `${name} ${peer}`).toEqual(ours.map((e) => e.data));
      }
    }
    expect(records).toBeGreaterThan(20);
  });
});
