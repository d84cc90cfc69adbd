/** `kmswatch evtx dump|info FILE`: the EVTX reader on its own. */
import { createWriteStream, realpathSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { CHUNK_SIZE, EvtxError, EvtxIntegrity, FILE_HEADER_SIZE, parseChunk, TemplateCache, type DumpFormat, type IntegrityFinding, type RecordResult } from '../../evtx/index.js';
import { dumpEvtxFile, nodeCrc32, openEvtxFile } from '../../evtx/node/index.js';
import { errnoText } from '../../errno.js';
import { raiseExitCode, type CliContext, type OutputStream } from '../context.js';
import { CliUsageError, EXIT_FAILED } from '../errors.js';
import { terminalByteStream, terminalControls } from '../terminal.js';

/** Writes and waits when the stream asks to; `done` runs once the bytes are flushed. Rejects when the stream fails while waiting. */
function write(stream: NodeJS.WritableStream, data: string | Uint8Array, done?: () => void): Promise<void> | void {
  if (stream.write(data, done ? () => done() : undefined)) return;
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (e: Error) => {
      stream.off('drain', onDrain);
      reject(e);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

/** Whether two paths name one file (the output must never overwrite the log being read). */
function sameFile(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false; // b does not exist yet
  }
}

/** The output file, created (or truncated) once it is open; rejects with the system error. */
async function openOutput(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  await once(stream, 'open');
  return stream;
}

/** Names the export format a non-EVTX file looks like, since `kmswatch ingest` reads those. */
async function otherFormatHint(file: string): Promise<string> {
  try {
    const { detectFileFormat, FORMAT_LABELS } = await import('../../sources/index.js');
    const format = await detectFileFormat(file);
    return format === null || format === 'evtx' ? '' : `; it is an export in ${FORMAT_LABELS[format]}, which kmswatch ingest reads`;
  } catch {
    return '';
  }
}

async function notEvtx(file: string, e: EvtxError, ctx: CliContext): Promise<void> {
  ctx.stderr.write(`kmswatch: ${file}: not an EVTX file (${e.message})${await otherFormatHint(file)}\n`);
  raiseExitCode(ctx, EXIT_FAILED);
}

/**
 * Where the dump's UTF-8 goes: the process's own stdout takes the bytes as they are (decoded and
 * escaped on a terminal, terminal.ts); any other stream, as in-process callers give, takes text.
 */
function dumpOutput(stdout: OutputStream): NodeJS.WritableStream {
  const raw = terminalControls(stdout);
  if (raw instanceof Writable) return terminalByteStream(raw as NodeJS.WriteStream);
  const decoder = new TextDecoder('utf-8');
  return new Writable({
    write(chunk: Uint8Array, _enc, done) {
      stdout.write(decoder.decode(chunk, { stream: true }));
      done();
    },
    final(done) {
      const rest = decoder.decode();
      if (rest !== '') stdout.write(rest);
      done();
    },
  });
}

/** The --output file could not be opened or written: "<path>: cannot write: no space left on device (ENOSPC)". */
export class DumpOutputError extends Error {
  override readonly name = 'DumpOutputError';
  constructor(
    readonly path: string,
    readonly operation: 'open' | 'write',
    cause: unknown,
  ) {
    super(`${path}: cannot ${operation}: ${errnoText(cause)}`, { cause });
  }
}

export interface DumpCommandOptions {
  format: DumpFormat;
  threads: number;
  out: NodeJS.WritableStream;
  err: OutputStream;
  /** Output buffer size (tests: forces batches to outgrow their buffers). */
  outputBytes?: number;
  /** With threads > 1, whether the main thread renders too (tests: off, so workers render every batch). */
  renderHere?: boolean;
  /** Called with each batch's renderer: 0 the main thread, i the i-th worker (tests). */
  onBatch?: (thread: number) => void;
}

/** Writes the dump; resolves to the counts. Throws NotEvtxError when the file is not EVTX. */
export async function runDump(file: string, opts: DumpCommandOptions): Promise<{ ok: number; errors: number }> {
  const { out, err } = opts;
  let ok = 0;
  let errors = 0;
  let started = false;
  // damaged or cut files are said on stderr (src/evtx/integrity.ts); the exit code stays as documented
  // (a file that cannot be opened or is not EVTX: the dump below says why, as it always did)
  const integrity = await openEvtxFile(file).then(
    async (h) => {
      await h.close();
      return new EvtxIntegrity(h.header, h.size);
    },
    () => null,
  );
  const finding = (f: IntegrityFinding) => err.write(`kmswatch: ${file}: ${f.severity === 'note' ? 'note: ' : ''}${f.message}\n`);
  integrity?.begin().forEach(finding);
  for await (const batch of dumpEvtxFile(file, { format: opts.format, threads: opts.threads, outputBytes: opts.outputBytes, renderHere: opts.renderHere })) {
    opts.onBatch?.(batch.thread);
    if (!started && opts.format === 'xml') await write(out, '<?xml version="1.0" encoding="utf-8"?>\n<Events>\n');
    started = true;
    // Records go out chunk by chunk up to each chunk with something to report, so stdout and
    // stderr interleave as the chunks come.
    let from = 0;
    // The buffer is reused once every write of it is flushed.
    let pending = 1;
    const settle = () => {
      if (--pending === 0) batch.release();
    };
    for (const chunk of batch.chunks) {
      ok += chunk.ok;
      const h = chunk.header;
      const damaged = integrity === null ? null : integrity.chunk(chunk.index, FILE_HEADER_SIZE + chunk.index * CHUNK_SIZE, chunk.state, h, h && chunk.ok > 0 ? { first: h.firstRecordId, last: h.lastRecordId } : null);
      const bad = damaged !== null || chunk.errors.length > 0 || chunk.walkStop !== undefined || chunk.state === 'bad-magic' || chunk.state === 'short';
      if (!bad) continue;
      if (chunk.end > from) {
        pending++;
        await write(out, batch.data.subarray(from, chunk.end), settle);
      }
      from = chunk.end;
      if (damaged) finding(damaged);
      for (const e of chunk.errors) {
        errors++;
        err.write(`kmswatch: ${file}: record error: ${e.message}\n`);
      }
      if (chunk.walkStop) err.write(`kmswatch: ${file}: chunk ${chunk.index}: record walk stopped: ${chunk.walkStop.message}\n`);
      if (chunk.state === 'bad-magic' || chunk.state === 'short') err.write(`kmswatch: ${file}: chunk ${chunk.index} skipped (${chunk.state})\n`);
    }
    if (from < batch.data.length) {
      pending++;
      await write(out, batch.data.subarray(from), settle);
    }
    settle();
  }
  if (opts.format === 'xml') await write(out, started ? '</Events>\n' : '<?xml version="1.0" encoding="utf-8"?>\n<Events>\n</Events>\n');
  integrity?.end().forEach(finding);
  return { ok, errors };
}

/**
 * Each thread warms up on its own (V8 compiles the reader once per thread, ~0.5 CPU-s here), so
 * an extra thread pays off only on files large enough; see BENCHMARKS.md "EVTX reader".
 */
const BYTES_PER_THREAD = 256 << 20;

function defaultThreads(file: string): number {
  let size = 0;
  try {
    size = statSync(file).size;
  } catch {
    // The dump itself reports the file's problem.
  }
  return Math.max(1, Math.min(availableParallelism(), Math.ceil(size / BYTES_PER_THREAD)));
}

export interface EvtxInfo {
  file: string;
  size: number;
  header: Record<string, unknown>;
  chunks: { slots: number; ok: number; empty: number; badMagic: number; short: number; headerCrcFailures: number[]; dataCrcFailures: number[]; walkStops: Array<{ chunk: number; message: string }>; badSlots: number[] };
  records: { ok: number; errors: number; minId: number | null; maxId: number | null };
  templates: { distinct: number; perChunkDefinitions: number };
}

export async function collectInfo(file: string): Promise<EvtxInfo> {
  const h = await openEvtxFile(file);
  try {
    const cache = new TemplateCache();
    const info: EvtxInfo = {
      file,
      size: h.size,
      header: { ...h.header },
      chunks: { slots: 0, ok: 0, empty: 0, badMagic: 0, short: 0, headerCrcFailures: [], dataCrcFailures: [], walkStops: [], badSlots: [] },
      records: { ok: 0, errors: 0, minId: null, maxId: null },
      templates: { distinct: 0, perChunkDefinitions: 0 },
    };
    const count = (r: RecordResult): void => {
      if (!r.ok) {
        info.records.errors++;
        return;
      }
      info.records.ok++;
      const id = r.record.recordId;
      if (info.records.minId === null || id < info.records.minId) info.records.minId = id;
      if (info.records.maxId === null || id > info.records.maxId) info.records.maxId = id;
    };
    for await (const slot of h.slots()) {
      // Each record is counted and dropped as it is read: a chunk's trees are never held at once.
      const c = parseChunk(slot.bytes, slot.index, slot.offset, { cache, crc32: nodeCrc32, onRecord: count });
      info.chunks.slots++;
      if (c.state === 'ok') info.chunks.ok++;
      else if (c.state === 'empty') info.chunks.empty++;
      else {
        if (c.state === 'bad-magic') info.chunks.badMagic++;
        else info.chunks.short++;
        info.chunks.badSlots.push(slot.index);
      }
      if (c.header?.headerCrcOk === false) info.chunks.headerCrcFailures.push(slot.index);
      if (c.header && c.header.dataCrcOk === false) info.chunks.dataCrcFailures.push(slot.index);
      if (c.walkStop) info.chunks.walkStops.push({ chunk: slot.index, message: c.walkStop.message });
      info.templates.perChunkDefinitions += c.templates;
    }
    info.templates.distinct = cache.size;
    return info;
  } finally {
    await h.close();
  }
}

function formatInfo(i: EvtxInfo): string {
  const hd = i.header as Record<string, number | boolean | null>;
  const noCrc = hd.noCrc32 ? ' (file says it has no CRC32s)' : '';
  const list = (xs: number[]) => (xs.length ? xs.join(', ') : 'none');
  return [
    `file            ${i.file} (${i.size} bytes)`,
    `version         ${hd.majorVersion}.${hd.minorVersion}, flags 0x${(hd.flags as number).toString(16)}${hd.dirty ? ' dirty' : ''}${hd.full ? ' full' : ''}${hd.noCrc32 ? ' no-crc32' : ''}`,
    `header          chunks ${hd.chunkCount} (as written), first ${hd.firstChunk}, last ${hd.lastChunk}, next record id ${hd.nextRecordId}`,
    `header crc      ${hd.crcOk === null ? 'not checked' + noCrc : hd.crcOk ? 'ok' : 'MISMATCH'}`,
    `chunk slots     ${i.chunks.slots}: ${i.chunks.ok} chunks, ${i.chunks.empty} empty, ${i.chunks.badMagic} bad signature, ${i.chunks.short} cut short`,
    `bad slots       ${list(i.chunks.badSlots)}`,
    `chunk crc fail  header: ${list(i.chunks.headerCrcFailures)}; data: ${list(i.chunks.dataCrcFailures)}${noCrc}`,
    ...i.chunks.walkStops.map((w) => `walk stopped    chunk ${w.chunk}: ${w.message}`),
    `records         ${i.records.ok} ok, ${i.records.errors} errors, ids ${i.records.minId ?? '-'}..${i.records.maxId ?? '-'}`,
    `templates       ${i.templates.distinct} distinct, ${i.templates.perChunkDefinitions} per-chunk definitions`,
    '',
  ].join('\n');
}

export function register(program: Command, ctx: CliContext): void {
  const evtx = program.command('evtx').description('read EVTX files directly (no database)');
  evtx
    .command('dump')
    .description('print every record as XML (an <Events> document) or JSON lines')
    .argument('<file>', '.evtx file')
    .option('--format <format>', 'xml or jsonl', 'xml')
    .option('--threads <n>', 'threads (default: one per 256 MB of file, at most the number of cores)')
    .option('-o, --output <file>', 'write to this file instead of standard output (UTF-8 bytes as they are; Windows PowerShell 5 re-encodes what > redirects)')
    .action(async (file: string, o: { format: string; threads?: string; output?: string }) => {
      if (o.format !== 'xml' && o.format !== 'jsonl') throw new CliUsageError(`--format must be xml or jsonl, not ${o.format}`, 'CLI_BAD_OPTION', '--format');
      const threads = o.threads === undefined ? defaultThreads(file) : Number(o.threads);
      if (!Number.isInteger(threads) || threads < 1) throw new CliUsageError(`--threads must be a positive integer, not ${o.threads}`, 'CLI_BAD_OPTION', '--threads');
      if (o.output !== undefined && sameFile(file, o.output)) throw new CliUsageError(`--output ${o.output} is the file being read`, 'CLI_BAD_OPTION', '--output');
      let output: WriteStream | undefined;
      try {
        if (o.output !== undefined) {
          // Not EVTX (or not there): said before the output file is created.
          await (await openEvtxFile(file)).close();
          output = await openOutput(o.output).catch((e: unknown) => {
            throw new DumpOutputError(o.output!, 'open', e);
          });
          output.on('error', () => {}); // reported through write() / finished() below
        }
        const stdout = output ?? dumpOutput(ctx.stdout);
        await runDump(file, { format: o.format, threads, out: stdout, err: ctx.stderr }).catch((e: unknown) => {
          throw output?.errored ? new DumpOutputError(o.output!, 'write', output.errored) : e;
        });
        if (!output && stdout !== terminalControls(ctx.stdout)) {
          stdout.end();
          await finished(stdout);
        }
        if (output) {
          output.end();
          await finished(output).catch((e: unknown) => {
            throw new DumpOutputError(o.output!, 'write', e);
          });
        }
      } catch (e) {
        output?.destroy();
        if (e instanceof EvtxError && e.code === 'EVTX_NOT_EVTX') await notEvtx(file, e, ctx);
        else if (e instanceof DumpOutputError) {
          ctx.stderr.write(`kmswatch: ${e.message}\n`);
          raiseExitCode(ctx, EXIT_FAILED);
        } else throw e;
      }
    });
  evtx
    .command('info')
    .description('file header, chunk states, CRC results, record and template counts')
    .argument('<file>', '.evtx file')
    .option('--json', 'print as JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      try {
        const info = await collectInfo(file);
        ctx.stdout.write(o.json ? JSON.stringify(info, null, 2) + '\n' : formatInfo(info));
      } catch (e) {
        if (e instanceof EvtxError && e.code === 'EVTX_NOT_EVTX') await notEvtx(file, e, ctx);
        else throw e;
      }
    });
}
