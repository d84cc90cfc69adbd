/**
 * Runs the two independent EVTX readers live: libevtx's `evtxexport` (Debian libevtx-utils) and
 * python-evtx's `evtx_dump.py` (Debian python3-evtx). Only `npm run test:peers` (test/peers/) and
 * test/fixtures/peers/generate.ts use this; the main suite reads their committed outputs. A missing
 * peer is an error with the package to install, never a skip.
 */
import { spawnSync } from 'node:child_process';
import type { Peer } from '../fixtures/peers/cases.js';

const COMMAND: Record<Peer, { bin: string; args: (file: string) => string[]; debPackage: string }> = {
  evtxexport: { bin: 'evtxexport', args: (file) => ['-f', 'xml', file], debPackage: 'libevtx-utils' },
  'python-evtx': { bin: 'evtx_dump.py', args: (file) => [file], debPackage: 'python3-evtx' },
};

const MAX_BUFFER = 1 << 30;

export interface PeerRun {
  stdout: Buffer;
  stderr: string;
  /** Exit status (0 = the whole file was exported). */
  status: number;
}

function missing(peer: Peer): Error {
  const c = COMMAND[peer];
  return new Error(
    `${c.bin} is not on PATH: npm run test:peers runs the independent EVTX readers live. ` +
      `Install them (Debian/Ubuntu: apt-get install libevtx-utils python3-evtx; ${c.bin} is in ${c.debPackage}).`,
  );
}

/** Runs one peer on a file; stdout is kept even when the peer gives up part way (a non-zero status). */
export function runPeerRaw(peer: Peer, file: string): PeerRun {
  const c = COMMAND[peer];
  const r = spawnSync(c.bin, c.args(file), { maxBuffer: MAX_BUFFER });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') throw missing(peer);
    throw r.error;
  }
  return { stdout: r.stdout, stderr: r.stderr.toString('utf8'), status: r.status ?? -1 };
}

/** Runs one peer on a file that it must read in full; its XML output as text. */
export function runPeer(peer: Peer, file: string): string {
  const r = runPeerRaw(peer, file);
  if (r.status !== 0) throw new Error(`${COMMAND[peer].bin} ${file} exited with ${r.status}: ${r.stderr.trim()}`);
  return r.stdout.toString('utf8');
}

/** Throws (with what to install) unless both peers can be started. */
export function requirePeers(): void {
  for (const peer of Object.keys(COMMAND) as Peer[]) {
    const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', COMMAND[peer].bin], { encoding: 'utf8' });
    if (r.status !== 0) throw missing(peer);
  }
}
