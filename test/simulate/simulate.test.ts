import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulate, SimulateError } from '../../src/simulate/index.js';
import { readEvtxSource } from '../../src/sources/evtx.js';
import type { RawEvent } from '../../src/sources/types.js';
import { peersAvailable, readWithEvtxexport, readWithPythonEvtx } from './peers.js';

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

  it.skipIf(!peersAvailable())('evtxexport, python-evtx and our reader agree on every simulated .evtx', async () => {
    const dir = path.join(tmp, 'a');
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.evtx'))) {
      const file = path.join(dir, name);
      const ours = await ownReader(file);
      const lib = readWithEvtxexport(file);
      expect(lib.length, name).toBe(ours.length);
      expect(lib.map((r) => r.recordId)).toEqual(ours.map((e) => e.recordId));
      expect(lib.map((r) => r.data)).toEqual(ours.map((e) => e.data));
      // python-evtx is slow (~200 records/s): the Application logs and the first 300 KMS records
      if (name.endsWith('-application.evtx') || ours.length <= 300) {
        const py = readWithPythonEvtx(file);
        expect(py.length, name).toBe(ours.length);
        expect(py.map((r) => r.data)).toEqual(ours.map((e) => e.data));
      }
    }
  });
});
