/**
 * Streaming EVTX 3.1 writer: events go into 64 KiB chunks; each full chunk is handed to the sink
 * at once (memory stays at one chunk), and the file header is patched at the end.
 */
import { ChunkBuilder, CHUNK_SIZE } from './chunk.js';
import { crc32 as jsCrc32, type Crc32Fn } from './crc32.js';
import { EvtxWriteError } from './errors.js';
import type { EvtxEventInput, EvtxSink } from './types.js';
import { FILE_HEADER_SIZE } from '../file-header.js';

export { FILE_HEADER_SIZE };

export interface EvtxWriterOptions {
  /** CRC-32 to use, e.g. zlib's native one from Node code (default: the pure slice-by-8 one). */
  crc32?: Crc32Fn;
}

export interface EvtxFileSummary {
  chunks: number;
  records: number;
  nextRecordId: number;
  bytes: number;
}

export class EvtxFileWriter {
  private readonly chunk: ChunkBuilder;
  private readonly crc32: Crc32Fn;
  private chunks = 0;
  private records = 0;
  private nextRecordId = 1;
  private closed = false;

  constructor(
    private readonly sink: EvtxSink,
    options: EvtxWriterOptions = {},
  ) {
    this.crc32 = options.crc32 ?? jsCrc32;
    this.chunk = new ChunkBuilder(this.crc32);
    sink.write(new Uint8Array(FILE_HEADER_SIZE));
  }

  /**
   * Appends one event. Its record id is `ev.recordId` when given, else one above the previous.
   * A record id that does not grow (a log clear restarting the numbering) starts a new chunk, so
   * each chunk's first/last ids stay an increasing range, as readers expect.
   */
  append(ev: EvtxEventInput): number {
    if (this.closed) throw new EvtxWriteError('writer is closed', 'EVTX_WRITE_CLOSED');
    const recordId = ev.recordId ?? this.nextRecordId;
    if (!Number.isSafeInteger(recordId) || recordId < 0) {
      throw new EvtxWriteError(`bad record id ${recordId}`, 'EVTX_WRITE_BAD_EVENT');
    }
    if (this.chunk.records > 0 && recordId <= this.chunk.lastRecordId) this.flushChunk();
    if (!this.chunk.tryAppend(ev, recordId)) {
      if (this.chunk.records === 0) {
        throw new EvtxWriteError('event does not fit in an empty chunk', 'EVTX_WRITE_TOO_LARGE', recordId);
      }
      this.flushChunk();
      if (!this.chunk.tryAppend(ev, recordId)) {
        throw new EvtxWriteError('event does not fit in an empty chunk', 'EVTX_WRITE_TOO_LARGE', recordId);
      }
    }
    this.records++;
    this.nextRecordId = recordId + 1;
    return recordId;
  }

  /** Writes the last chunk (an empty log still gets one chunk, as Windows does) and the header. */
  close(): EvtxFileSummary {
    if (this.closed) throw new EvtxWriteError('writer is closed', 'EVTX_WRITE_CLOSED');
    if (this.chunk.records > 0 || this.chunks === 0) this.flushChunk();
    this.closed = true;
    this.sink.writeAt(0, fileHeader(this.chunks, this.nextRecordId, this.crc32));
    return {
      chunks: this.chunks,
      records: this.records,
      nextRecordId: this.nextRecordId,
      bytes: FILE_HEADER_SIZE + this.chunks * CHUNK_SIZE,
    };
  }

  private flushChunk(): void {
    this.sink.write(this.chunk.finish());
    this.chunks++;
    this.chunk.reset();
  }
}

/** The 4096-byte file header (§1.1): version 3.1, clean (flags 0), CRC over bytes 0-119. */
export function fileHeader(chunks: number, nextRecordId: number, crc32: Crc32Fn = jsCrc32): Uint8Array {
  const b = new Uint8Array(FILE_HEADER_SIZE);
  const v = new DataView(b.buffer);
  b.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00], 0); // "ElfFile\0"
  v.setBigUint64(8, 0n, true);
  v.setBigUint64(16, BigInt(Math.max(0, chunks - 1)), true);
  v.setBigUint64(24, BigInt(nextRecordId), true);
  v.setUint32(32, 128, true);
  v.setUint16(36, 1, true);
  v.setUint16(38, 3, true);
  v.setUint16(40, FILE_HEADER_SIZE, true);
  // The count is 16 bits on disk; files over 4 GiB overflow it and readers size the file instead.
  v.setUint16(42, Math.min(chunks, 0xffff), true);
  v.setUint32(120, 0, true);
  v.setUint32(124, crc32(b, 0, 120), true);
  return b;
}

/** Sink collecting the whole file in memory (tests, small files, the browser). */
export class MemorySink implements EvtxSink {
  private parts: Uint8Array[] = [];
  private header: Uint8Array | null = null;
  write(bytes: Uint8Array): void {
    this.parts.push(bytes.slice()); // the writer reuses its chunk buffer
  }
  writeAt(offset: number, bytes: Uint8Array): void {
    if (offset !== 0) throw new RangeError('MemorySink only patches the file header');
    this.header = bytes;
  }
  bytes(): Uint8Array {
    const total = this.parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    if (this.header) out.set(this.header, 0);
    return out;
  }
}

/** Writes a whole EVTX file in memory. */
export function writeEvtx(events: Iterable<EvtxEventInput>): Uint8Array {
  const sink = new MemorySink();
  const w = new EvtxFileWriter(sink);
  for (const ev of events) w.append(ev);
  w.close();
  return sink.bytes();
}
