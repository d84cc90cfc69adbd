/**
 * Every corpus file: parses without an exception, yields as many records (ok + error) as the
 * MANIFEST's structural header walk, errors only in the files known to be damaged, and every
 * record renders to well-formed XML and to JSON that parses.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordToXml } from '../../src/evtx/render/xml.js';
import { recordToJsonLine } from '../../src/evtx/render/json.js';
import { corpusDir, evtxFiles, okRecords, parseCorpus } from './helpers/corpus.js';
import { isWellFormed } from './helpers/xml.js';

/** Files whose MANIFEST notes describe corrupted records or chunks. */
const DAMAGED = new Set([
  'evtxrs__2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx',
  'evtxrs__Microsoft-Windows-HelloForBusiness%4Operational.evtx',
  'evtxrs__sample-with-zero-data-size-event.evtx',
  'evtxrs__sample_with_a_bad_chunk_magic.evtx',
]);

describe('EVTX corpus', () => {
  const files = evtxFiles();

  it('holds the 30 licensed .evtx files the MANIFEST lists, byte for byte, each source named in NOTICE', () => {
    // 37 in the team's corpus, less 3 GPL-3.0 (EVTX-ATTACK-SAMPLES), 2 GPL-3.0 (DeepBlueCLI) and 2 with no licence stated
    expect(files.length).toBe(30);
    const rows = readFileSync(path.join(corpusDir, 'MANIFEST.tsv'), 'utf8').trim().split(/\r?\n/).map((l) => l.split('\t'));
    const col = (n: string) => rows[0].indexOf(n);
    const notice = readFileSync(path.join(corpusDir, 'NOTICE'), 'utf8');
    for (const row of rows.slice(1)) {
      const bytes = readFileSync(path.join(corpusDir, row[col('file_name')]));
      expect(createHash('sha256').update(bytes).digest('hex'), row[col('file_name')]).toBe(row[col('sha256')]);
      expect(['Apache-2.0', 'MIT OR Apache-2.0', 'CC0-1.0']).toContain(row[col('licence')]);
      expect(notice).toContain(`${row[col('source_repo')]} @ ${row[col('source_commit')]}`);
    }
    // nothing in the folder that the MANIFEST does not list
    const listed = new Set(rows.slice(1).map((r) => r[col('file_name')]));
    expect(readdirSync(corpusDir).filter((f) => /\.(evtx|dat)$/.test(f) && !listed.has(f))).toEqual([]);
  });

  for (const row of files) {
    it(`${row.file}: ok + error records equal the header walk (${row.walk})`, () => {
      const p = parseCorpus(row.file);
      let ok = 0;
      let err = 0;
      for (const c of p.chunks) for (const r of c.records) r.ok ? ok++ : err++;
      expect(ok + err).toBe(row.walk);
      if (!DAMAGED.has(row.file)) expect(err).toBe(0);
      const bad: string[] = [];
      for (const rec of okRecords(p)) {
        const xml = recordToXml(rec);
        if (!isWellFormed(xml)) bad.push(`record ${rec.recordId}`);
        JSON.parse(recordToJsonLine(rec));
      }
      expect(bad).toEqual([]);
    });
  }

  it('reports the damage of the damaged files as walk stops, with chunk and offset', () => {
    // HelloForBusiness: the walk breaks on a size-copy mismatch in chunk 0 (MANIFEST).
    const p = parseCorpus('evtxrs__Microsoft-Windows-HelloForBusiness%4Operational.evtx');
    const stops = p.chunks.filter((c) => c.walkStop).map((c) => c.walkStop!);
    expect(stops.length).toBe(1);
    expect(stops[0].code).toBe('EVTX_BAD_RECORD');
    expect(stops[0].context.chunk).toBe(0);
    expect(stops[0].message).toMatch(/size copy/);
    // zero-data-size: a size-0 record header ends the walk instead of looping forever.
    const z = parseCorpus('evtxrs__sample-with-zero-data-size-event.evtx');
    expect(z.chunks.some((c) => c.walkStop?.message.includes('record size 0'))).toBe(true);
  });

  it('finds chunks beyond a stale header count and skips zero and garbage slots (sysmon.evtx)', () => {
    // MANIFEST: header chunk count 1 but 9 valid chunks + 8 non-zero chunks with bad magic.
    const p = parseCorpus('evtxrs__sysmon.evtx');
    expect(p.header.chunkCount).toBe(1);
    expect(p.chunks.filter((c) => c.state === 'ok').length).toBe(9);
    expect(p.chunks.filter((c) => c.state === 'bad-magic').length).toBe(8);
  });

  it('does not enforce CRCs on a NO_CRC32 file but reports them (Application_no_crc32)', () => {
    const p = parseCorpus('evtxrs__Application_no_crc32.evtx');
    expect(p.header.noCrc32).toBe(true);
    expect(p.header.crcOk).toBe(null);
    expect(okRecords(p).length).toBe(17);
  });

  it('keeps the header CRC of a normal file valid (security.evtx)', () => {
    const p = parseCorpus('evtxrs__security.evtx');
    expect(p.header.crcOk).toBe(true);
    for (const c of p.chunks) if (c.header) expect(c.header.headerCrcOk).toBe(true);
  });
});
