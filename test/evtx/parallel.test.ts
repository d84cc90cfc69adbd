/**
 * `evtx dump` with worker threads on a file of many batches: the same bytes and the same stderr
 * as one thread, in record order, while output slots are reused, and when a batch outgrows its slot.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDump } from '../../src/cli/commands/evtx.js';
import { dumpEvtxFile } from '../../src/evtx/node/parallel.js';
import { SlotReadError, SlotReader } from '../../src/evtx/node/slot-reader.js';
import { corpusDir } from './helpers/corpus.js';

/**
 * Reads each chunk only when its write completes, a while later, as an asynchronous pipe or
 * socket does: a buffer the dump reused before that would show up as wrong bytes.
 */
class SlowSink extends Writable {
  parts: string[] = [];
  constructor() {
    super({ highWaterMark: 64 << 20 }); // no back-pressure: writes pile up unread
  }
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    setTimeout(() => {
      this.parts.push(chunk.toString('utf8'));
      cb();
    }, 1);
  }
  get text(): string {
    return this.parts.join('');
  }
}

async function dump(file: string, threads: number, outputBytes?: number, renderHere?: boolean) {
  const out = new SlowSink();
  const err = new SlowSink();
  const renderers: number[] = [];
  const counts = await runDump(file, { format: 'jsonl', threads, out, err, outputBytes, renderHere, onBatch: (t) => renderers.push(t) });
  await Promise.all([out, err].map((s) => new Promise((resolve) => s.end(resolve))));
  return { out: out.text, err: err.text, counts, renderers };
}

const SLOT = 65536;
const SECURITY = path.join(corpusDir, 'evtxrs__security.evtx'); // 2,261 records (MANIFEST)
const BAD_MAGIC = path.join(corpusDir, 'evtxrs__sample_with_a_bad_chunk_magic.evtx');
const COPIES = 8;

let dir = '';
let big = '';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-parallel-'));
  big = path.join(dir, 'many-batches.evtx');
  const security = readFileSync(SECURITY);
  const bad = readFileSync(BAD_MAGIC);
  // Security's header, its chunk slots eight times, then the damaged file's slots: 16-slot batches
  // end mid-copy, so every thread sees parts of several copies and more batches than it has slots.
  const parts = [security.subarray(0, 4096)];
  for (let i = 0; i < COPIES; i++) parts.push(security.subarray(4096));
  parts.push(bad.subarray(4096));
  writeFileSync(big, Buffer.concat(parts));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('evtx dump with threads', () => {
  it('the file spans many batches', () => {
    const slots = (readFileSync(big).length - 4096) / SLOT;
    expect(slots).toBeGreaterThan(16 * 16); // 16-slot batches: four times the slots a worker has
  });

  it('gives one thread\'s bytes and errors with 2 and 3 threads, records in file order', async () => {
    const one = await dump(big, 1);
    const alone = await dump(BAD_MAGIC, 1);
    // Each copy of security.evtx renders its 2,261 records again, then the damaged file's own.
    expect(one.counts.ok).toBe(COPIES * 2261 + alone.counts.ok);
    const ids = one.out.trimEnd().split('\n').map((l) => JSON.parse(l).Event.System.EventRecordID as number);
    for (let c = 0; c < COPIES; c++) {
      expect(ids[c * 2261]).toBe(1);
      expect(ids[c * 2261 + 2260]).toBe(2261);
    }
    expect(one.out.endsWith(alone.out)).toBe(true);
    expect(one.err).toMatch(/skipped \(bad-magic\)/);
    for (const threads of [2, 3]) {
      const many = await dump(big, threads);
      expect(many.out).toBe(one.out);
      expect(many.err).toBe(one.err);
      expect(many.counts).toEqual(one.counts);
    }
  });

  it('workers alone (the main thread only writing) give the same bytes, every batch from a worker', async () => {
    const one = await dump(big, 1);
    expect(new Set(one.renderers)).toEqual(new Set([0]));
    for (const threads of [2, 3]) {
      const workers = await dump(big, threads, undefined, false);
      expect(workers.out).toBe(one.out);
      expect(workers.err).toBe(one.err);
      expect(workers.renderers).toHaveLength(one.renderers.length);
      // Worker i of threads - 1 rendered each batch; 0 (this thread) none.
      for (const t of workers.renderers) expect(t >= 1 && t <= threads - 1).toBe(true);
    }
  });

  it('a consumer that stops after the first batch ends the workers (no hang, no leak of a failure)', async () => {
    for (const renderHere of [true, false]) {
      let seen = 0;
      for await (const batch of dumpEvtxFile(big, { format: 'jsonl', threads: 3, renderHere })) {
        seen++;
        batch.release();
        break;
      }
      expect(seen).toBe(1);
    }
  });

  it('a file cut short while it is read ends the dump at the cut, without an error', async () => {
    const cut = path.join(dir, 'cut.evtx');
    copyFileSync(big, cut);
    const whole: number[] = [];
    for await (const batch of dumpEvtxFile(cut, { format: 'jsonl', threads: 1 })) {
      whole.push(batch.chunks.length);
      batch.release();
    }
    // 16-slot batches; batch 1 may already be read ahead when batch 0 is handed out, so the cut
    // (at 2.5 batches, a chunk boundary) shows from batch 2 on: it has 8 chunks and is the last.
    const seen: number[] = [];
    for await (const batch of dumpEvtxFile(cut, { format: 'jsonl', threads: 1 })) {
      if (seen.length === 0) truncateSync(cut, 4096 + 40 * SLOT);
      seen.push(batch.chunks.length);
      batch.release();
    }
    expect(whole.length).toBeGreaterThan(3);
    expect(seen).toEqual([16, 16, 8]);
  });

  it('a failed read is a SlotReadError naming the file and offset, also when read ahead and awaited later', async () => {
    const reader = SlotReader.open(SECURITY);
    reader.close(); // every read now fails with EBADF
    expect(() => reader.read(1, 16, new Uint8Array(16 * SLOT))).toThrow(SlotReadError);
    const ahead = reader.readAhead(1, 16, new Uint8Array(16 * SLOT));
    // Awaited only after the read has failed, as the one-thread dump does a batch later: vitest
    // fails the run on an unhandled rejection, so this also checks that none is raised meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const e = await ahead.then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(SlotReadError);
    // Slot 1 starts at 4096 + 65536 = 0x11000.
    expect((e as Error).message).toBe(`${SECURITY}: cannot read at offset 0x11000: bad file descriptor (EBADF)`);
  });

  it('a batch bigger than its output buffer still comes out whole', async () => {
    const one = await dump(big, 1);
    // 64 KiB buffers: every 1 MiB batch outgrows its buffer, in the workers and on this thread.
    const small = await dump(big, 2, 64 << 10);
    expect(small.out).toBe(one.out);
    expect(small.err).toBe(one.err);
    const workersOnly = await dump(big, 2, 64 << 10, false);
    expect(workersOnly.out).toBe(one.out);
  });
});
