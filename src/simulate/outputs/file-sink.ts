/** Node file sinks for the simulator's outputs: buffered text, and the EVTX byte sink. */
import fs from 'node:fs';
import type { EvtxSink } from '../../evtx/writer/types.js';

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

export class EvtxFileSink implements EvtxSink {
  private readonly fd: number;
  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w');
  }
  write(bytes: Uint8Array): void {
    fs.writeSync(this.fd, bytes);
  }
  writeAt(offset: number, bytes: Uint8Array): void {
    fs.writeSync(this.fd, bytes, 0, bytes.length, offset);
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}
