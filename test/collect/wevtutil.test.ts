import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { execFileRunner, findCheckpoint, newestArgs, parseWevtutilOutput, planLiveQueries, queryArgs, type CommandRunner } from '../../src/collect/wevtutil.js';
import { decodeEvent } from '../../src/kms/decode.js';
import type { KmsRecord } from '../../src/kms/types.js';
import type { Checkpoint } from '../../src/store/types.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFile(path.join(fixtures, name));

function checkpoint(host: string, channel: string, lastRecordId: number): Checkpoint {
  return { host, channel, lastRecordId, lastTime: 0, epoch: 0, updatedAt: 0 };
}

describe('wevtutil command lines', () => {
  it('KMS log from a checkpoint (the issue\'s command, as an argument array)', () => {
    expect(queryArgs({ remote: 'kms01', channel: 'Key Management Service', afterRecordId: 4711 })).toEqual([
      'qe',
      'Key Management Service',
      '/r:kms01',
      '/q:*[System[EventRecordID>4711]]',
      '/f:xml',
      '/e:Events',
    ]);
  });

  it('Application log: 12291/12293/12294 only', () => {
    expect(queryArgs({ remote: 'kms01.contoso.com', channel: 'Application', afterRecordId: 0, eventIds: [12291, 12293, 12294] })).toEqual([
      'qe',
      'Application',
      '/r:kms01.contoso.com',
      '/q:*[System[(EventID=12291 or EventID=12293 or EventID=12294) and EventRecordID>0]]',
      '/f:xml',
      '/e:Events',
    ]);
  });

  it('local log: no /r:; newest-record probe', () => {
    expect(queryArgs({ remote: 'localhost', channel: 'Key Management Service', afterRecordId: 1 })).toEqual([
      'qe',
      'Key Management Service',
      '/q:*[System[EventRecordID>1]]',
      '/f:xml',
      '/e:Events',
    ]);
    expect(newestArgs({ remote: 'kms01', channel: 'Key Management Service' })).toEqual(['qe', 'Key Management Service', '/r:kms01', '/c:1', '/rd:true', '/f:xml', '/e:Events']);
  });

  it('a hostile host name stays one argument (no shell)', async () => {
    const args = queryArgs({ remote: 'kms01 & calc.exe', channel: 'Key Management Service', afterRecordId: 0 });
    expect(args[2]).toBe('/r:kms01 & calc.exe');
    // The runner really passes arguments verbatim: node echoes its argv back.
    const out = await execFileRunner(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args]);
    expect(JSON.parse(Buffer.from(out).toString('utf8'))).toEqual(args);
  });

  it('a failing command is a CollectError with the program\'s stderr', async () => {
    await expect(execFileRunner(process.execPath, ['-e', 'process.stderr.write("The RPC server is unavailable."); process.exit(1722)'])).rejects.toMatchObject({
      name: 'CollectError',
      code: 'COLLECT_WEVTUTIL',
      message: expect.stringContaining('The RPC server is unavailable.'),
    });
  });
});

describe('checkpoints and log clears', () => {
  const cps = [checkpoint('KMS01.contoso.com', 'Key Management Service', 102), checkpoint('kms01.contoso.com', 'Application', 5001)];

  it('finds the checkpoint by FQDN or first label', () => {
    expect(findCheckpoint(cps, 'kms01', 'Key Management Service')?.lastRecordId).toBe(102);
    expect(findCheckpoint(cps, 'kms01.CONTOSO.com', 'application')?.lastRecordId).toBe(5001);
    expect(findCheckpoint(cps, 'kms02', 'Application')).toBeNull();
  });

  it('queries from the checkpoint; reads everything again when the log was cleared', async () => {
    const calls: string[][] = [];
    // Probe answers: KMS log newest record 103 (≥ 102: not cleared); Application newest 12 (< 5001: cleared).
    const run: CommandRunner = async (_file, args) => {
      calls.push(args);
      const rid = args[1] === 'Application' ? 12 : 103;
      return Buffer.from(
        `<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>12290</EventID><TimeCreated SystemTime='2026-02-28T00:00:00Z'/><EventRecordID>${rid}</EventRecordID><Channel>${args[1]}</Channel><Computer>kms01.contoso.com</Computer></System></Event></Events>`,
      );
    };
    const plans = await planLiveQueries({ remote: 'kms01', application: true }, cps, run, 'UTC');
    expect(plans.map((p) => [p.channel, p.afterRecordId, p.cleared])).toEqual([
      ['Key Management Service', 102, false],
      ['Application', 0, true],
    ]);
    expect(plans[0].args[3]).toBe('/q:*[System[EventRecordID>102]]');
    expect(calls.every((a) => a.includes('/c:1'))).toBe(true);
  });

  it('no checkpoint: everything, no probe', async () => {
    const run: CommandRunner = async () => {
      throw new Error('must not run');
    };
    const plans = await planLiveQueries({ remote: 'kms09', application: false }, cps, run, 'UTC');
    expect(plans.map((p) => p.args)).toEqual([['qe', 'Key Management Service', '/r:kms09', '/q:*[System[EventRecordID>0]]', '/f:xml', '/e:Events']]);
  });
});

async function decodeAll(bytes: Uint8Array, channel: string): Promise<{ records: KmsRecord[]; issues: number; files: Set<string> }> {
  const records: KmsRecord[] = [];
  const files = new Set<string>();
  let issues = 0;
  for await (const item of parseWevtutilOutput(bytes, 'wevtutil:kms01', channel, 'UTC')) {
    if (!item.ok) {
      issues++;
      continue;
    }
    files.add(item.event.origin.file);
    const r = decodeEvent(item.event);
    if (r) records.push(r);
  }
  return { records, issues, files };
}

describe('parsing recorded wevtutil output', () => {
  it('KMS log: three requests, fields as written in the fixture', async () => {
    const { records, issues, files } = await decodeAll(await fixture('wevtutil-kms01-kms.xml'), 'Key Management Service');
    expect(issues).toBe(0);
    expect([...files]).toEqual(['wevtutil:kms01']);
    expect(records.map((r) => r.kind)).toEqual(['request', 'request', 'request']);
    const [a, b, c] = records as Extract<KmsRecord, { kind: 'request' }>[];
    expect(a).toMatchObject({ host: 'kms01.contoso.com', recordId: 101, time: Date.parse('2026-02-28T10:15:02.123Z'), result: 0, minimumCount: 25, machine: 'pc01.contoso.com', cmid: '0a1b2c3d-0000-4000-8000-000000000001', isVm: false, licenseState: 1, minutesLeft: 249120 });
    expect(a.product.name).toBe('Windows 10/11 Pro');
    expect(b).toMatchObject({ recordId: 102, result: 0xc004f06c, resultHex: '0xC004F06C', isVm: true, licenseState: 2, minutesLeft: 41520 });
    expect(c).toMatchObject({ recordId: 103, minimumCount: 5, machine: 'srv01.contoso.com' });
    expect(c.product.name).toBe('Windows Server 2022 Standard');
  });

  it('Application log: DNS publishing failed, then succeeded', async () => {
    const { records } = await decodeAll(await fixture('wevtutil-kms01-app.xml'), 'Application');
    expect(records.map((r) => (r.kind === 'host' ? [r.recordId, r.type, r.domain, r.resultHex] : r.kind))).toEqual([
      [5001, 'dns-publish-failed', 'contoso.com', '0x8007232A'],
      [5007, 'dns-publish-ok', 'contoso.com', null],
    ]);
  });

  it('nothing new: an empty <Events/> root', async () => {
    const { records, issues } = await decodeAll(await fixture('wevtutil-empty.xml'), 'Key Management Service');
    expect([records.length, issues]).toEqual([0, 0]);
  });
});
