/**
 * Alerts that rest on damaged EVTX chunks (src/alerts/damaged.ts, docs/alerts.md "Damaged EVTX"):
 * listed as info, saying so. The bit-flipped simulator log (test/helpers/damaged-evtx.ts) through
 * `kmswatch ingest` + `kmswatch alerts --json`, against the same log unflipped; then hand-made
 * records with damage marks for the cases the simulator does not make.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAMAGED_ONLY_NOTE } from '../../src/alerts/damaged.js';
import { evaluateRules } from '../../src/alerts/evaluate.js';
import { gatherFacts } from '../../src/alerts/facts.js';
import type { KmsRecord, KmsRequest } from '../../src/kms/types.js';
import type { AlertState } from '../../src/store/types.js';
import { damagedFleet, type DamagedFleet } from '../helpers/damaged-evtx.js';
import { onlyRules, storeWith } from './evaluate.js';
import { AT, HOUR, req } from './records.js';
import { runCliOnDb } from '../cli/helpers.js';

let dir: string;
let fleet: DamagedFleet;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-alerts-damaged-'));
  fleet = damagedFleet(path.join(dir, 'fleet'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (db: string, ...args: string[]) => runCliOnDb(path.join(dir, db), ...args);

/** `ingest` of one file, then the open alerts of `alerts --json` as of the log's newest request. */
async function alertsOf(db: string, file: string): Promise<AlertState[]> {
  await cli(db, 'ingest', '--timezone', 'UTC', file);
  const r = await cli(db, 'alerts', '--json', '--at', new Date(fleet.newest).toISOString());
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { open: AlertState[] }).open;
}

describe('kmswatch alerts on the bit-flipped simulator log', () => {
  it('the false clone and every alert about the bogus host are info, naming the damaged file; the rest as for the clean log', async () => {
    const clean = await alertsOf('clean.db', fleet.clean);
    const damaged = await alertsOf('flip.db', fleet.damaged);
    const note = `${DAMAGED_ONLY_NOTE} ${fleet.damaged}`;
    const rests = (a: AlertState) => a.id === `clone:${fleet.cmid.toLowerCase()}` || a.host === fleet.flippedHost;

    // the clone of PC-00040 and its flipped name, and the bogus host idle since its last request
    // (chunk 4 of 7, days before the newest request): both are there, and not as warnings
    const onFlipped = damaged.filter(rests);
    expect(onFlipped.map((a) => a.id)).toEqual(expect.arrayContaining([`clone:${fleet.cmid.toLowerCase()}`, `idle-host:${fleet.flippedHost.toLowerCase()}`]));
    for (const a of onFlipped) {
      expect([a.id, a.severity]).toEqual([a.id, 'info']);
      expect(a.summary.endsWith(` — ${note}`)).toBe(true);
      expect(JSON.parse(a.details)).toMatchObject({ damagedOnly: true, damagedFiles: [fleet.damaged] });
    }
    const clone = damaged.find((a) => a.rule === 'clone')!;
    expect(clone.summary).toBe(`CMID ${fleet.cmid} used by 2 machines: ${fleet.machine}, ${fleet.flippedMachine} — ${note}`);
    expect(JSON.parse(clone.details).normalSeverity).toBe('warning');

    // the clean log: no alert rests on damage; it has some, and the flipped log has the same others
    const view = (list: AlertState[]) => list.map((a) => [a.id, a.severity, a.summary]);
    expect(clean.length).toBeGreaterThan(0);
    expect(clean.filter((a) => a.severity === 'info' || a.summary.includes(DAMAGED_ONLY_NOTE))).toEqual([]);
    expect(view(damaged.filter((a) => !rests(a)))).toEqual(view(clean));
  });
});

/** Marks `records` as read from chunk 3 of `file` (as ingest does for a chunk whose CRC fails). */
async function markAll(store: Awaited<ReturnType<typeof storeWith>>, records: KmsRecord[], file = 'kms.evtx') {
  await store.markDamaged(records.map((r) => ({ host: r.host, channel: r.channel, recordId: r.recordId!, time: r.time, file, chunk: 3, checks: 'chunk data CRC' })));
}

describe('alerts resting on damaged chunks (hand-made marks)', () => {
  it('clone: info only when fewer than two names remain without the damaged requests, even with a forced severity', async () => {
    // dup-1: PC-A and PC-B sound, PC-C damaged → PC-A, PC-B remain: a clone still (critical, as forced)
    // dup-2: PC-X sound, PC-Y damaged → PC-X alone remains: info
    const damagedRequests = [req('kms01', AT - 2 * HOUR, 'dup-1', 'PC-C'), req('kms01', AT - 2 * HOUR, 'dup-2', 'PC-Y')];
    const store = await storeWith([
      req('kms01', AT - 3 * HOUR, 'dup-1', 'PC-A'),
      req('kms01', AT - 3 * HOUR, 'dup-1', 'PC-B'),
      req('kms01', AT - 3 * HOUR, 'dup-2', 'PC-X'),
      ...damagedRequests,
    ]);
    await markAll(store, damagedRequests);
    const rules = onlyRules(['clone'], { clone: { severity: 'critical' } });
    const alerts = evaluateRules(await gatherFacts(store, AT, rules), rules);
    expect(alerts.map((a) => [a.id, a.severity, a.summary])).toEqual([
      ['clone:dup-1', 'critical', 'CMID dup-1 used by 3 machines: PC-A, PC-B, PC-C'],
      ['clone:dup-2', 'info', `CMID dup-2 used by 2 machines: PC-X, PC-Y — ${DAMAGED_ONLY_NOTE} kms.evtx`],
    ]);
    expect(alerts[1].details).toMatchObject({ damagedOnly: true, damagedFiles: ['kms.evtx'], normalSeverity: 'critical' });
  });

  it('failure spike: info when the failed requests not from damaged chunks are too few or from too few machines', async () => {
    const skew = 0xc004f06c;
    const fail = (host: string, h: number, m: string) => req(host, AT - h * HOUR, m.toLowerCase(), m, { result: skew });
    // kms01: M1 4 + M2 3 + M3 3 = 10 failed requests from 3 machines (a spike); M3's 3 are damaged →
    //   7 sound requests from 2 machines: under 10 and under 3 → info.
    // kms02: the same 10 sound + 1 more damaged from M4 → 10 sound from 3 machines: still a warning.
    const kms01Damaged = [1, 2, 3].map((h) => fail('kms01', h, 'M3'));
    const kms02Damaged = [fail('kms02', 1, 'M4')];
    const sound = (host: string) => [...[1, 2, 3, 4].map((h) => fail(host, h, 'M1')), ...[1, 2, 3].map((h) => fail(host, h, 'M2'))];
    const store = await storeWith([...sound('kms01'), ...kms01Damaged, ...sound('kms02'), ...[1, 2, 3].map((h) => fail('kms02', h, 'M3')), ...kms02Damaged]);
    await markAll(store, kms01Damaged, 'a.evtx');
    await markAll(store, kms02Damaged, 'b.evtx');
    const rules = onlyRules(['failureSpike']);
    const alerts = evaluateRules(await gatherFacts(store, AT, rules), rules);
    expect(alerts.map((a) => [a.id, a.severity, a.summary])).toEqual([
      ['failure-spike:kms02:0xC004F06C', 'warning', '11 requests failed with 0xC004F06C from 4 machines in 24 h'],
      ['failure-spike:kms01:0xC004F06C', 'info', `10 requests failed with 0xC004F06C from 3 machines in 24 h — ${DAMAGED_ONLY_NOTE} a.evtx`],
    ]);
  });

  it('a host whose events all came from damaged chunks: its alerts are info; a host with one sound request is not', async () => {
    // kms09: 3 requests in OOB grace, all damaged → low-count 3 < 25 is info.
    // kms01: the same, but one of its 3 requests is sound → critical as usual.
    const grace = (host: string, h: number, n: number) => req(host, AT - h * HOUR, `${host}-${n}`, `PC${n}`, { licenseState: 2 });
    const kms09: KmsRequest[] = [1, 2, 3].map((n) => grace('kms09', n, n));
    const kms01: KmsRequest[] = [1, 2, 3].map((n) => grace('kms01', n, n));
    const store = await storeWith([...kms09, ...kms01]);
    await markAll(store, [...kms09, ...kms01.slice(1)]);
    const rules = onlyRules(['lowCount']);
    const alerts = evaluateRules(await gatherFacts(store, AT, rules), rules);
    expect(alerts.map((a) => [a.id, a.severity])).toEqual([
      ['low-count:kms01:Windows:25', 'critical'],
      ['low-count:kms09:Windows:25', 'info'],
    ]);
  });
});
