/** The EVTX corpus (test/corpus/evtx: licensed real files) and its MANIFEST. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { corpusDir } from '../../helpers/paths.js';
import { parseEvtxBuffer, type ParsedEvtx } from '../../../src/evtx/file.js';
import type { EvtxRecord } from '../../../src/evtx/chunk.js';

export { corpusDir };

export interface ManifestRow {
  file: string;
  special: string;
  walk: number | null;
  evtxrs: string;
}

export function manifest(): ManifestRow[] {
  const lines = readFileSync(path.join(corpusDir, 'MANIFEST.tsv'), 'utf8').trim().split(/\r?\n/);
  const head = lines[0].split('\t');
  const col = (n: string) => head.indexOf(n);
  return lines.slice(1).map((l) => {
    const f = l.split('\t');
    const walk = f[col('records_by_header_walk')];
    return { file: f[col('file_name')], special: f[col('special')], walk: walk === '' ? null : Number(walk), evtxrs: f[col('evtxrs_test_expectation')] };
  });
}

export function evtxFiles(): ManifestRow[] {
  return manifest().filter((r) => r.file.endsWith('.evtx'));
}

export function readCorpus(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(corpusDir, name)));
}

const parsed = new Map<string, ParsedEvtx>();
/** Parsed once per test file (parsing is deterministic). */
export function parseCorpus(name: string): ParsedEvtx {
  let p = parsed.get(name);
  if (!p) {
    p = parseEvtxBuffer(readCorpus(name), { file: name });
    parsed.set(name, p);
  }
  return p;
}

export function okRecords(p: ParsedEvtx): EvtxRecord[] {
  const out: EvtxRecord[] = [];
  for (const c of p.chunks) for (const r of c.records) if (r.ok) out.push(r.record);
  return out;
}

export function expectedPath(name: string): string {
  return path.join(corpusDir, 'expected', name);
}
