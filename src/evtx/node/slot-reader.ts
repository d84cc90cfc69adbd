/**
 * Node-only: synchronous positioned reads of an EVTX file's chunk slots, into a buffer the caller
 * reuses (fresh memory is costly: every new page is a fault). Any thread can open its own reader
 * on the same file and read the slots it was given. `readAhead` reads on libuv's pool instead, so
 * a thread can render one batch while the next is copied in.
 */
import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs';
import { errnoText } from '../../errno.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, readFileHeader, type FileHeader } from '../file-header.js';

/** A read of the file failed (an I/O error, not bad data): names the file and where. */
export class SlotReadError extends Error {
  override readonly name = 'SlotReadError';
  constructor(
    readonly path: string,
    readonly offset: number,
    cause: unknown,
  ) {
    super(`${path}: cannot read at offset 0x${offset.toString(16)}: ${errnoText(cause)}`, { cause });
  }
}

export class SlotReader {
  readonly size: number;
  /** Slot count: full 64 KiB slots plus a trailing partial one. */
  readonly slots: number;

  private constructor(
    private readonly fd: number,
    size: number,
    private readonly path: string,
  ) {
    this.size = size;
    this.slots = size > FILE_HEADER_SIZE ? Math.ceil((size - FILE_HEADER_SIZE) / CHUNK_SIZE) : 0;
  }

  /** Opens a file without checking its header (a worker re-opening a file the main thread checked). */
  static open(path: string): SlotReader {
    const fd = openSync(path, 'r');
    try {
      return new SlotReader(fd, fstatSync(fd).size, path);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** Opens a file and reads its header; throws NotEvtxError when it is not EVTX. */
  static openEvtx(path: string): { reader: SlotReader; header: FileHeader } {
    const reader = SlotReader.open(path);
    try {
      const head = new Uint8Array(Math.min(FILE_HEADER_SIZE, reader.size));
      reader.readAt(head, 0);
      return { reader, header: readFileHeader(head) };
    } catch (e) {
      reader.close();
      throw e;
    }
  }

  /** Bytes of slots [first, first + count) by the file size (the last slot may be partial). */
  span(first: number, count: number): number {
    return Math.max(0, Math.min(count * CHUNK_SIZE, this.size - FILE_HEADER_SIZE - first * CHUNK_SIZE));
  }

  /** Reads slots [first, first + count) into `buf`; returns the bytes read (less than `span` if the file shrank). */
  read(first: number, count: number, buf: Uint8Array): number {
    const want = this.span(first, count);
    return want > 0 ? this.readAt(buf.subarray(0, want), FILE_HEADER_SIZE + first * CHUNK_SIZE) : 0;
  }

  /**
   * As `read`, on libuv's thread pool. The promise is awaited a batch later: it is marked handled
   * now, so a failed read surfaces there, as a SlotReadError, not as an unhandled rejection.
   */
  readAhead(first: number, count: number, buf: Uint8Array): Promise<number> {
    const want = this.span(first, count);
    if (want === 0) return Promise.resolve(0);
    const position = FILE_HEADER_SIZE + first * CHUNK_SIZE;
    const done = new Promise<number>((resolve, reject) => {
      let got = 0;
      const more = (): void => {
        read(this.fd, buf, got, want - got, position + got, (err, n) => {
          if (err) return reject(new SlotReadError(this.path, position + got, err));
          got += n;
          if (n === 0 || got === want) resolve(got);
          else more();
        });
      };
      try {
        more();
      } catch (e) {
        reject(new SlotReadError(this.path, position, e));
      }
    });
    done.catch(() => undefined);
    return done;
  }

  private readAt(buf: Uint8Array, position: number): number {
    let got = 0;
    while (got < buf.length) {
      let n: number;
      try {
        n = readSync(this.fd, buf, got, buf.length - got, position + got);
      } catch (e) {
        throw new SlotReadError(this.path, position + got, e);
      }
      if (n === 0) break;
      got += n;
    }
    return got;
  }

  close(): void {
    closeSync(this.fd);
  }
}
