/**
 * The clients' own logs (issue 27): two collected files beside the host logs, read by the repo's
 * readers, and truth.json `clientSide` equal to what this test derives on its own from the decoded
 * events; the host logs do not change with them; ingest + report reproduce `clientSide`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/alerts/load-config.js';
import { buildReport } from '../../src/analysis/report.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { decodeEvent } from '../../src/kms/decode.js';
import { lookupProduct } from '../../src/kms/products.js';
import type { KmsClientEvent } from '../../src/kms/types.js';
import { ClientLogs } from '../../src/simulate/client-logs.js';
import { CLIENT_LOG_FILES, CONFIG_FILE, simulate, type Truth, type TruthClientSide } from '../../src/simulate/index.js';
import { OFFICE_PRODUCTS, WORKSTATION_PRODUCTS, type SimProduct } from '../../src/simulate/products.js';
import { Prng } from '../../src/simulate/prng.js';
import type { ClientAgent, Fleet, SimHost, SimMachine } from '../../src/simulate/scenario.js';
import { detectFileFormat, openSource } from '../../src/sources/index.js';
import { openStore } from '../../src/store/index.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/types.js';
import { runCli } from '../cli/helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kmswatch-client-logs-'));
const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

// 60 clients: big enough for clones, clock skew and an unsupported product (scenario.ts thresholds).
const OPTIONS = { clients: 60, hosts: 3, days: 40, seed: 5 };
const dir = path.join(tmp, 'on');
const run = simulate({ out: dir, ...OPTIONS, clientLogs: true });
const truth = run.truth as Truth & { clientSide: TruthClientSide };
const at = Date.parse(truth.at);
const FIVE_MINUTES = 5 * 60_000;
const NOT_CONTACTED = 0xc004f074;

const winlogbeatFile = path.join(dir, CLIENT_LOG_FILES.winlogbeat);
const forwardedFile = path.join(dir, CLIENT_LOG_FILES.forwarded);

/** Every item of a file through openSource → decodeEvent; any read problem or non-client record fails. */
async function clientEvents(file: string): Promise<KmsClientEvent[]> {
  const out: KmsClientEvent[] = [];
  for await (const item of openSource(file, { timezone: 'UTC' })) {
    if (!item.ok) throw new Error(`${file}: ${item.issue.reason}`);
    const record = decodeEvent(item.event);
    if (record?.kind !== 'client') throw new Error(`${file}: not a client event: ${JSON.stringify(record)}`);
    out.push(record);
  }
  return out;
}

const both = Promise.all([clientEvents(winlogbeatFile), clientEvents(forwardedFile)]);

/** The names of the machines whose 12290s the host logs hold (lower case). */
async function hostLogMachines(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('-kms.evtx'))) {
    for await (const item of openSource(path.join(dir, f), { timezone: 'UTC' })) {
      if (!item.ok) continue;
      const r = decodeEvent(item.event);
      if (r?.kind === 'request') names.add(r.machine.toLowerCase());
    }
  }
  return names;
}

/**
 * clientSide derived here, from the events alone, by the rules of the brief: per computer in time
 * order, a 12288 is answered by the computer's next event when that is a 12289 at most 5 minutes
 * later; 0xC004F074 never is; a 12288 newer than at − 5 min without answer is pending (ignored).
 */
function derive(events: KmsClientEvent[], collected: string[], known: string[]) {
  const byComputer = new Map<string, KmsClientEvent[]>();
  for (const e of events) {
    const k = e.host.toLowerCase();
    byComputer.set(k, [...(byComputer.get(k) ?? []), e]);
  }
  const statusOf = (name: string) =>
    collected.some((c) => c.toLowerCase() === name) ? 'collected' : known.some((c) => c.toLowerCase() === name) ? 'known' : 'rogue';
  const hosts = new Map<string, { machines: Set<string>; requests: number; answered: number }>();
  const unanswered: { machine: string; reason: string; hostTried: string | null; attempts: number; lastAt: string }[] = [];
  const reported = new Map<string, { reportedAt: number; machine: string; reported: number }>();
  for (const list of byComputer.values()) {
    list.sort((a, b) => a.time - b.time || a.eventId - b.eventId);
    let newest: { e: KmsClientEvent; failed: boolean } | null = null;
    let attempts = 0;
    list.forEach((e, i) => {
      if (e.eventId !== 12288) return;
      const next = list[i + 1];
      const answer = e.result !== NOT_CONTACTED && next?.eventId === 12289 && next.time - e.time <= FIVE_MINUTES ? next : null;
      const name = e.fields.kmsHost.split(':')[0].toLowerCase();
      if (name !== '') {
        const h = hosts.get(name) ?? { machines: new Set<string>(), requests: 0, answered: 0 };
        h.machines.add(e.host.toLowerCase());
        h.requests++;
        if (answer) h.answered++;
        hosts.set(name, h);
      }
      if (answer && statusOf(name) === 'collected' && (answer.result === 0 || answer.result === 0xc004f038)) {
        const key = `${name} ${lookupProduct(e.fields.activationId).application} ${e.fields.minimumCount}`;
        const before = reported.get(key);
        if (!before || before.reportedAt <= answer.time) reported.set(key, { reportedAt: answer.time, machine: e.host, reported: Number(answer.fields.currentCount) });
      }
      if (!answer && e.result !== NOT_CONTACTED && e.time > at - FIVE_MINUTES) return; // pending
      if (!answer) attempts++;
      newest = { e, failed: !answer };
    });
    const last = newest as { e: KmsClientEvent; failed: boolean } | null;
    if (last?.failed) {
      unanswered.push({
        machine: last.e.host,
        reason: last.e.result === NOT_CONTACTED ? 'not-contacted' : 'no-response',
        hostTried: last.e.fields.kmsHost === '' ? null : last.e.fields.kmsHost,
        attempts,
        lastAt: new Date(last.e.time).toISOString(),
      });
    }
  }
  return { hosts, unanswered, reported, statusOf, byComputer };
}

describe('simulate: the clients\' own logs', () => {
  it('writes two client-log files and kmswatch.yaml beside the host logs, in formats ingest detects', async () => {
    const files = readdirSync(dir);
    expect(files).toEqual(expect.arrayContaining([CLIENT_LOG_FILES.winlogbeat, CLIENT_LOG_FILES.forwarded, CONFIG_FILE, 'kms01-kms.evtx', 'truth.json']));
    expect(await detectFileFormat(winlogbeatFile)).toBe('winlogbeat');
    expect(await detectFileFormat(forwardedFile)).toBe('xml');
    const config = parseConfigText(readFileSync(path.join(dir, CONFIG_FILE), 'utf8'), CONFIG_FILE);
    expect(config.discover.knownHosts).toEqual(['kms-site2.corp.contoso.com']);
    expect(truth.clientSide.knownHosts).toEqual(config.discover.knownHosts);
    const onDisk = JSON.parse(readFileSync(run.truthFile, 'utf8'));
    expect(onDisk.clientSide).toEqual(truth.clientSide);
    expect(onDisk.files).toEqual(expect.arrayContaining([CLIENT_LOG_FILES.winlogbeat, CLIENT_LOG_FILES.forwarded]));
  });

  it('every event reads back as a client event of the Application log, as many per id as truth says', async () => {
    const [beat, forwarded] = await both;
    const all = [...beat, ...forwarded];
    expect(all.filter((e) => e.eventId === 12288)).toHaveLength(truth.clientSide.requestsSent);
    expect(all.filter((e) => e.eventId === 12289)).toHaveLength(truth.clientSide.responses);
    expect(truth.clientSide.requestsSent).toBeGreaterThan(100);
    expect(new Set(all.map((e) => e.channel))).toEqual(new Set(['Application']));
    // the computer is the client, never a KMS host; inside the last 30 days of the period
    const hostNames = new Set(truth.hosts.map((h) => h.host.toLowerCase()));
    expect(all.some((e) => hostNames.has(e.host.toLowerCase()))).toBe(false);
    expect(all.every((e) => e.time > at - 30 * 86_400_000 && e.time <= at)).toBe(true);
    // field shapes of kms-events.md §2.3: 12288 `yyyy/MM/dd HH:mm`, 12289 `M/d/yyyy H:mm`, intervals 120/10080
    const request = all.find((e) => e.eventId === 12288)!;
    expect(request.fields.clientTime).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/);
    expect(request.fields.statusFlags).toBe('0x0');
    const response = all.find((e) => e.eventId === 12289)!;
    expect(response.fields.clientTime).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}$/);
    expect([response.fields.activationInterval, response.fields.renewalInterval]).toEqual(['120', '10080']);
    // below the minimum: 0xC004F038 with SL_VL_BINDING_ERROR_NOT_ENOUGH_COUNT, not activated
    const short = all.filter((e) => e.eventId === 12289 && e.resultHex === '0xC004F038');
    expect(short.length).toBeGreaterThan(0);
    expect(short.every((e) => e.fields.statusFlags === '0x4000000' && e.fields.activated === '0')).toBe(true);
  });

  it("truth's clientSide equals what the decoded events say by the pairing rule", async () => {
    const [beat, forwarded] = await both;
    const collected = truth.hosts.map((h) => h.host);
    const d = derive([...beat, ...forwarded], collected, truth.clientSide.knownHosts);
    const cs = truth.clientSide;
    expect(cs.pairingWindowMinutes).toBe(5);
    expect(cs.machines).toBe(d.byComputer.size);
    expect(cs.unanswered.map(({ machine, reason, hostTried, attempts, lastAt }) => ({ machine, reason, hostTried, attempts, lastAt })).sort((a, b) => a.machine.localeCompare(b.machine)))
      .toEqual(d.unanswered.sort((a, b) => a.machine.localeCompare(b.machine)));
    expect(cs.hosts.map((h) => ({ name: h.name, status: h.status, machines: h.machines, requests: h.requests, answered: h.answered })).sort((a, b) => a.name.localeCompare(b.name)))
      .toEqual([...d.hosts].map(([name, h]) => ({ name, status: d.statusOf(name), machines: h.machines.size, requests: h.requests, answered: h.answered })).sort((a, b) => a.name.localeCompare(b.name)));
    expect(cs.rogueHosts.map((r) => ({ host: r.host, clients: r.clients.map((c) => c.toLowerCase()) })))
      .toEqual([...d.hosts].filter(([name]) => d.statusOf(name) === 'rogue').map(([name, h]) => ({ host: name, clients: [...h.machines].sort() })));
    expect(cs.reportedCounts.map((r) => ({ key: `${r.host.toLowerCase()} ${r.application} ${r.minimumCount}`, reportedAt: Date.parse(r.reportedAt), machine: r.machine, reported: r.reported })).sort((a, b) => a.key.localeCompare(b.key)))
      .toEqual([...d.reported].map(([key, r]) => ({ key, ...r })).sort((a, b) => a.key.localeCompare(b.key)));
  });

  it('has every case, each in both files: no answer, no host contacted, a known uncollected host, a rogue host', async () => {
    const [beat, forwarded] = await both;
    const cs = truth.clientSide;
    const reasons = new Set(cs.unanswered.map((u) => u.reason));
    expect(reasons).toEqual(new Set(['no-response', 'not-contacted']));
    expect(cs.unanswered.some((u) => u.reason === 'not-contacted' && u.hostTried !== null)).toBe(true);
    expect(cs.hosts.filter((h) => h.status === 'known').map((h) => h.name)).toEqual(['kms-site2.corp.contoso.com']);
    expect(cs.rogueHosts.map((r) => r.host)).toEqual(['vlmcs-rogue.corp.contoso.com']);
    // a machine answered earlier in the window but not any more: listed, counting only its failures
    const answeredBefore = cs.unanswered.filter((u) => [...beat, ...forwarded].some((e) => e.eventId === 12289 && e.host === u.machine));
    expect(answeredBefore.map((u) => u.hostTried)).toContain('kms-site2.corp.contoso.com:1688');
    const rogue = cs.hosts.find((h) => h.status === 'rogue')!;
    expect(rogue.answered).toBe(rogue.requests);
    expect(cs.reportedCounts.length).toBeGreaterThan(0);
    // no uncollected host has a log beside the others
    expect(readdirSync(dir).some((f) => f.includes('site2') || f.includes('rogue'))).toBe(false);
    for (const [name, events] of [['winlogbeat', beat], ['forwarded', forwarded]] as const) {
      const computers = new Set(events.map((e) => e.host.toLowerCase()));
      const has = (machines: string[]) => machines.some((m) => computers.has(m.toLowerCase()));
      expect(has(cs.unanswered.filter((u) => u.reason === 'no-response').map((u) => u.machine)), `${name}: no-response`).toBe(true);
      expect(has(cs.unanswered.filter((u) => u.reason === 'not-contacted').map((u) => u.machine)), `${name}: not-contacted`).toBe(true);
      expect(has(cs.hosts.find((h) => h.status === 'known')!.clients), `${name}: known host`).toBe(true);
      expect(has(cs.rogueHosts[0].clients), `${name}: rogue host`).toBe(true);
      expect(events.some((e) => e.resultHex === '0xC004F06C'), `${name}: clock skew`).toBe(true);
    }
  });

  it("an unanswered client's requests never reached a host: none of their machines is in a host log", async () => {
    const seen = await hostLogMachines();
    expect(seen.size).toBeGreaterThan(10);
    for (const u of truth.clientSide.unanswered) expect(seen.has(u.machine.toLowerCase()), u.machine).toBe(false);
    // and none pending: every machine's newest 12288 is settled before the period's last 5 minutes
    const [beat, forwarded] = await both;
    expect([...beat, ...forwarded].every((e) => e.time <= at)).toBe(true);
    expect(Math.max(...[...beat, ...forwarded].filter((e) => e.eventId === 12288).map((e) => e.time))).toBeLessThanOrEqual(at - FIVE_MINUTES);
  });

  it('leaves the host logs and the rest of truth.json as they are without client logs', () => {
    const off = path.join(tmp, 'off');
    const plain = simulate({ out: off, ...OPTIONS });
    const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    const hostFiles = readdirSync(off).filter((f) => f.startsWith('kms0'));
    expect(hostFiles).toHaveLength(6);
    for (const f of hostFiles) expect(sha(path.join(dir, f)), f).toBe(sha(path.join(off, f)));
    expect(existsSync(path.join(off, CLIENT_LOG_FILES.winlogbeat)) || existsSync(path.join(off, CONFIG_FILE))).toBe(false);
    const { clientSide: _c, ...rest } = truth;
    expect(rest).toEqual(plain.truth);
  });

  it('the same seed gives the same client logs', () => {
    const again = path.join(tmp, 'again');
    simulate({ out: again, ...OPTIONS, clientLogs: true });
    for (const f of [CLIENT_LOG_FILES.winlogbeat, CLIENT_LOG_FILES.forwarded, CONFIG_FILE, 'truth.json']) {
      expect(readFileSync(path.join(again, f)).equals(readFileSync(path.join(dir, f))), f).toBe(true);
    }
  });

  it('kmswatch simulate writes them unless --no-client-logs', async () => {
    const small = ['--clients', '20', '--hosts', '2', '--days', '10'];
    const r = await runCli(['simulate', '--out', path.join(tmp, 'cli-on'), ...small]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/clients' own logs: \d+ requests sent/);
    expect(readdirSync(path.join(tmp, 'cli-on'))).toEqual(expect.arrayContaining([CLIENT_LOG_FILES.winlogbeat, CLIENT_LOG_FILES.forwarded, CONFIG_FILE]));
    const off = await runCli(['simulate', '--out', path.join(tmp, 'cli-off'), ...small, '--no-client-logs']);
    expect(off.code, off.stderr).toBe(0);
    expect(readdirSync(path.join(tmp, 'cli-off')).filter((f) => f.startsWith('clients-') || f === CONFIG_FILE)).toEqual([]);
  });

  it.each(['memory', 'sqlite'] as const)('ingest + report reproduce clientSide (known host from kmswatch.yaml), %s store', async (backend) => {
    const store = backend === 'memory' ? createMemoryStore() : await openStore(':memory:');
    stores.push(store);
    const files = readdirSync(dir).filter((f) => f !== 'truth.json' && f !== CONFIG_FILE).map((f) => path.join(dir, f));
    const summary = await ingestFiles(store, files, { timezone: 'UTC' });
    expect(summary.issues).toEqual([]);
    expect(summary.clientEvents).toBe(truth.clientSide.requestsSent + truth.clientSide.responses);
    const { knownHosts } = parseConfigText(readFileSync(path.join(dir, CONFIG_FILE), 'utf8'), CONFIG_FILE).discover;
    const report = await buildReport(store, { at, timezone: 'UTC', knownHosts });
    const got = report.clientSide;
    const cs = truth.clientSide;
    expect({ requestsSent: got.requestsSent, responses: got.responses, machines: got.machines, pairingWindowMinutes: got.pairingWindowMinutes })
      .toEqual({ requestsSent: cs.requestsSent, responses: cs.responses, machines: cs.machines, pairingWindowMinutes: cs.pairingWindowMinutes });
    expect(got.unanswered).toEqual(cs.unanswered);
    expect(got.hosts).toEqual(cs.hosts);
    expect(got.reportedCounts.map(({ computed: _c, difference: _d, partial: _p, ...r }) => r)).toEqual(cs.reportedCounts);
    // the simulated hosts count as kmswatch does: where the log covers the window, the count a host
    // returned is the count kmswatch computes from its log (± 1: see docs/definitions.md)
    for (const r of got.reportedCounts) if (!r.partial) expect(Math.abs(r.difference), JSON.stringify(r)).toBeLessThanOrEqual(1);
    expect(got.findings.filter((f) => f.kind === 'count-differs')).toEqual([]);
    const rogue = got.findings.filter((f) => f.kind === 'rogue-host').map((f) => ({ host: f.host, clients: f.clients }));
    expect(rogue).toEqual(cs.rogueHosts);
    expect(got.findings.filter((f) => f.kind === 'uncollected-host').map((f) => f.host)).toEqual(cs.knownHosts);
  });

  it("two products of one machine asking at the same instant: each 12288 is followed by its own 12289", async () => {
    const out = path.join(tmp, 'same-instant');
    const day = 86_400_000;
    const start = Date.UTC(2025, 0, 6);
    const host: SimHost = {
      index: 0, name: 'KMS01.corp.contoso.com', fileBase: 'kms01', counts: new Map(), kmsRecordId: 1, appRecordId: 1,
      stuck: false, dnsFailsUntil: start, clearPending: false,
    };
    const machine: SimMachine = {
      id: 0, name: 'PC-00001.corp.contoso.com', cmid: '6f1e1c1a-0000-4000-8000-000000000001', cmidIndex: 0, isVm: false,
      host, skewMs: 0, caseFlips: false, cloneGroup: null,
    };
    const agent = (product: SimProduct): ClientAgent => ({
      at: 0, kind: 'client', machine, product, licensed: true, lastActivation: start, graceEnd: start, stopAt: Infinity, requests: 0,
    });
    const win = agent(WORKSTATION_PRODUCTS[0]);
    const office = agent(OFFICE_PRODUCTS[0]);
    const fleet: Fleet = { hosts: [host], agents: [win, office], machineCount: 1, cmidCount: 1, start, end: start + 10 * day, days: 10 };
    mkdirSync(out);
    const logs = new ClientLogs(out, fleet, new Prng(1));
    const t = start + 5 * day;
    const fields = (a: ClientAgent) => ({
      result: 0, minimumCount: a.product.minimumCount, machine: machine.name, cmid: machine.cmid, clientTime: t,
      isVm: false, licenseState: 1, minutesLeft: 250_000, activationId: a.product.activationId,
    });
    logs.request(win, t, fields(win), 30);
    logs.request(office, t, fields(office), 12);
    const cs = logs.finish();
    // machine 0 is even: the Winlogbeat file
    const mine = (await clientEvents(path.join(out, CLIENT_LOG_FILES.winlogbeat))).filter((e) => e.host === machine.name);
    mine.sort((a, b) => a.time - b.time || (a.recordId ?? 0) - (b.recordId ?? 0));
    expect(mine.map((e) => e.eventId)).toEqual([12288, 12289, 12288, 12289]);
    expect(mine.map((e) => e.fields.activationId ?? e.fields.currentCount)).toEqual([WORKSTATION_PRODUCTS[0].activationId, '30', OFFICE_PRODUCTS[0].activationId, '12']);
    expect(cs.unanswered.map((u) => u.machine)).not.toContain(machine.name);
  });
});
