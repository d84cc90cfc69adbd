// Builds a large EVTX file from the corpus's valid chunks (bench/evtx.mjs uses it): chunks are
// repeated until the target size, record ids renumbered (record headers and chunk headers),
// chunk and file CRCs recomputed. Works on dist/ (run `npm run build` first).
import { readFileSync, openSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import * as zlib from 'node:zlib';
import { parseChunk } from '../dist/evtx/chunk.js';
import { chunkSlots } from '../dist/evtx/file.js';
import { TemplateCache } from '../dist/evtx/binxml/template-cache.js';

const crc = (b, start, end, seed = 0) => zlib.crc32(b.subarray(start, end), seed);

/**
 * Files that both peers (evtxexport, evtx_dump.py) read completely, per MANIFEST.tsv: the bench
 * file must be one every tool can process, or the peers' times would cover partial work.
 */
export function filesAllToolsRead(corpusDir) {
  const lines = readFileSync(path.join(corpusDir, 'MANIFEST.tsv'), 'utf8').trim().split(/\r?\n/);
  const head = lines[0].split('\t');
  const col = (n) => head.indexOf(n);
  return lines.slice(1).map((l) => l.split('\t')).filter((f) => {
    const walk = f[col('records_by_header_walk')];
    return f[col('file_name')].endsWith('.evtx') && f[col('evtxexport_records')] === walk && f[col('python_evtx_records')] === walk;
  }).map((f) => f[col('file_name')]).sort();
}

/**
 * The corpus folders a benchmark reads: the repository's own (test/corpus/evtx, licensed files
 * only) and, when KMSWATCH_BENCH_CORPUS names them (path-separated list), more folders laid out the
 * same way (a MANIFEST.tsv beside the files). Files already read from an earlier folder are skipped.
 */
export function benchCorpusDirs(repoRoot) {
  const extra = (process.env.KMSWATCH_BENCH_CORPUS ?? '').split(path.delimiter).filter(Boolean);
  return [path.join(repoRoot, 'test', 'corpus', 'evtx'), ...extra.map((d) => path.resolve(d))];
}

/** One line saying which corpora a run used, printed beside its figures. */
export function describeCorpus(dirs) {
  return dirs.length === 1
    ? 'corpus: the repository\'s (test/corpus/evtx)'
    : `corpus: the repository's (test/corpus/evtx) + KMSWATCH_BENCH_CORPUS (${dirs.slice(1).join(', ')})`;
}

/** Valid chunks of those files whose records all parse (so the bench measures the normal path). */
export function corpusChunks(corpusDirs) {
  const out = [];
  const seen = new Set();
  for (const corpusDir of [corpusDirs].flat())
  for (const f of filesAllToolsRead(corpusDir)) {
    if (seen.has(f)) continue;
    seen.add(f);
    const bytes = new Uint8Array(readFileSync(path.join(corpusDir, f)));
    const cache = new TemplateCache();
    for (const slot of chunkSlots(bytes)) {
      if (slot.bytes.length !== 65536) continue;
      const c = parseChunk(slot.bytes, slot.index, slot.offset, { cache });
      if (c.state !== 'ok' || c.walkStop || c.records.length === 0 || c.records.some((r) => !r.ok)) continue;
      out.push({ file: f, bytes: slot.bytes.slice(), records: c.records.length });
    }
  }
  return out;
}

/** Writes header + chunks (cycled) until `targetBytes`; returns { chunks, records, size }. */
export function buildBigFile(file, chunks, targetBytes) {
  const fd = openSync(file, 'w');
  const header = new Uint8Array(4096);
  writeSync(fd, header); // placeholder, rewritten at the end
  let nextId = 1;
  let written = 0;
  let records = 0;
  for (let i = 0; written * 65536 + 4096 < targetBytes; i++, written++) {
    const c = chunks[i % chunks.length].bytes.slice();
    const v = new DataView(c.buffer);
    const first = nextId;
    const free = v.getUint32(48, true);
    let pos = 512;
    let last = pos;
    while (pos + 28 <= free && v.getUint32(pos, true) === 0x2a2a) {
      const size = v.getUint32(pos + 4, true);
      if (size < 28 || pos + size > 65536) break;
      v.setBigUint64(pos + 8, BigInt(nextId++), true);
      last = pos;
      pos += size;
      records++;
    }
    v.setBigUint64(8, BigInt(first), true); // first record number
    v.setBigUint64(16, BigInt(nextId - 1), true); // last record number
    v.setBigUint64(24, BigInt(first), true); // first record id
    v.setBigUint64(32, BigInt(nextId - 1), true); // last record id
    v.setUint32(44, last, true);
    v.setUint32(52, crc(c, 512, free), true);
    v.setUint32(124, crc(c, 128, 512, crc(c, 0, 120)), true);
    writeSync(fd, c);
  }
  const h = new DataView(header.buffer);
  header.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00], 0);
  h.setBigUint64(8, 0n, true);
  h.setBigUint64(16, BigInt(written - 1), true);
  h.setBigUint64(24, BigInt(nextId), true);
  h.setUint32(32, 128, true);
  h.setUint16(36, 1, true);
  h.setUint16(38, 3, true);
  h.setUint16(40, 4096, true);
  h.setUint16(42, written & 0xffff, true);
  h.setUint32(120, 0, true);
  h.setUint32(124, crc(header, 0, 120), true);
  writeSync(fd, header, 0, 4096, 0);
  closeSync(fd);
  return { chunks: written, records, size: 4096 + written * 65536 };
}
