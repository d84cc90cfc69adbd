/** Node file sinks for the simulator's outputs: buffered text, and the EVTX byte sink. */
import fs from 'node:fs';
import type { EvtxSink } from '../../evtx/writer/index.js';

const FLUSH_CHARS = 1 << 20;

export class TextFileSink {
  private readonly fd: number;
  private parts: string[] = [];
  private chars = 0;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  write(text: string): void {
    this.parts.push(text);
    this.chars += text.length;
    if (this.chars >= FLUSH_CHARS) this.flush();
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    fs.writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.chars = 0;
  }
}

/** EVTX bytes gathered into 1 MiB writes (16 chunks), since the writer hands out a reused chunk buffer. */
const FLUSH_BYTES = 1 << 20;

export class EvtxFileSink implements EvtxSink {
  private readonly fd: number;
  private readonly buffer = new Uint8Array(FLUSH_BYTES);
  private used = 0;
  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w');
  }
  write(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) this.flush();
    if (bytes.length >= this.buffer.length) {
      writeAll(this.fd, bytes);
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }
  writeAt(offset: number, bytes: Uint8Array): void {
    this.flush();
    fs.writeSync(this.fd, bytes, 0, bytes.length, offset);
  }
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
  private flush(): void {
    if (this.used === 0) return;
    writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

/** writeSync may write less than asked (large writes, signals): loop until all is out. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}
