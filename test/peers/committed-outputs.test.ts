/**
 * The committed outputs of the independent EVTX readers are what they print today: reruns
 * evtxexport (libevtx-utils) and evtx_dump.py (python3-evtx) on the same inputs and requires the
 * same stdout, byte for byte. Covers test/fixtures/peers (inputs rebuilt from cases.ts, which must
 * still be the bytes the peers read) and test/corpus/evtx/expected (the corpus files' outputs).
 * A missing peer fails the run (see run.ts).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  PEERS,
  committedSums,
  outputPath,
  real64File,
  sha256,
  simulatedInputs,
  staleMessage,
  writerInputs,
  type Peer,
  type PeerInput,
} from '../fixtures/peers/cases.js';
import { corpusDir } from '../helpers/paths.js';
import { requirePeers, runPeerRaw } from './run.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kmswatch-peers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Equal bytes; on a difference, the texts, so the failure shows where. */
function expectSameOutput(fresh: Buffer, committed: Buffer, label: string): void {
  if (fresh.equals(committed)) return;
  expect(fresh.toString('utf8'), label).toBe(committed.toString('utf8'));
  expect.fail(`${label}: same text, different bytes`);
}

it('evtxexport and evtx_dump.py are installed', () => {
  requirePeers();
});

describe('test/fixtures/peers: the peers print the committed outputs on the rebuilt inputs', () => {
  const sums = committedSums();
  const inputs: PeerInput[] = [...writerInputs(), ...simulatedInputs(path.join(tmp, 'sim'))];

  it('the inputs are the committed list', () => {
    expect(inputs.map((i) => i.name).sort()).toEqual([...sums.keys()].sort());
  });

  it('real64.evtx is committed as the writer writes it', () => {
    const real64 = inputs.find((i) => i.name === 'real64')!;
    expect(sha256(new Uint8Array(readFileSync(real64File)))).toBe(sha256(real64.bytes));
  });

  for (const { name, bytes } of inputs) {
    it(name, () => {
      // byte-identical to what the peers read when the outputs were committed
      expect(sha256(bytes), staleMessage(name)).toBe(sums.get(name));
      const file = path.join(tmp, `${name}.evtx`);
      writeFileSync(file, bytes);
      for (const peer of PEERS) {
        const run = runPeerRaw(peer, file);
        expect(run.status, `${peer} ${name}: ${run.stderr}`).toBe(0);
        expectSameOutput(run.stdout, readFileSync(outputPath(name, peer)), `${peer} ${name}`);
      }
    });
  }
});

describe('test/corpus/evtx/expected: the peers print the committed outputs on the corpus files', () => {
  const expectedDir = path.join(corpusDir, 'expected');
  const outputs = readdirSync(expectedDir)
    .map((f) => /^(.+)\.(evtxexport|python-evtx)\.xml$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null);

  it('there are outputs of both peers to check', () => {
    expect(outputs.filter((m) => m[2] === 'evtxexport').length).toBeGreaterThan(5);
    expect(outputs.filter((m) => m[2] === 'python-evtx').length).toBeGreaterThan(5);
  });

  for (const [file, sample, peer] of outputs) {
    it(file, () => {
      const run = runPeerRaw(peer as Peer, path.join(corpusDir, `${sample}.evtx`));
      // A peer that gave up part way has its stderr committed next to its (partial) output.
      const gaveUp = existsSync(path.join(expectedDir, `${sample}.${peer}.stderr.txt`));
      if (gaveUp) expect(run.status, `${peer} ${sample}`).not.toBe(0);
      else expect(run.status, `${peer} ${sample}: ${run.stderr}`).toBe(0);
      expectSameOutput(run.stdout, readFileSync(path.join(expectedDir, file)), `${peer} ${sample}`);
    });
  }
});
