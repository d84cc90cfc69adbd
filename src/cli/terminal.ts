/**
 * Everything the CLI writes goes through here. Names in the data are chosen by whoever sends a
 * KMS request, so on a terminal every control character (ESC, BEL, NUL, C1, bidi overrides) is
 * shown escaped, line by line, with the one escaping function of the text tables
 * (src/report/cells.ts printable). To a file or a pipe the bytes go out as they are: CSV, JSON
 * and dumps stay verbatim (CSV keeps its formula guard).
 */
import { Writable } from 'node:stream';
import { printable } from '../report/cells.js';
import type { OutputStream } from './context.js';

/** `text` for a terminal: each line printable (CRLF and LF end lines; a lone CR is escaped). */
export function terminalText(text: string): string {
  return text.split(/\r?\n/).map(printable).join('\n');
}

const RAW = Symbol('kmswatch.rawTerminal');

interface TerminalOutput extends OutputStream {
  [RAW]?: OutputStream;
}

/**
 * The stream commands write to: on a terminal each write is terminalText; otherwise the stream
 * itself. Wrapping twice wraps once.
 */
export function terminalOutput(stream: OutputStream): OutputStream {
  if ((stream as TerminalOutput)[RAW] !== undefined || !stream.isTTY) return stream;
  const safe: TerminalOutput = {
    write: (text: string) => stream.write(terminalText(String(text))),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  };
  Object.defineProperty(safe, RAW, { value: stream, enumerable: false });
  return safe;
}

/**
 * The terminal itself, for the one writer that must send control sequences: the progress bar,
 * which moves the cursor. What it shows of the data (a file name) it makes printable itself.
 */
export function terminalControls(stream: OutputStream): OutputStream {
  return (stream as TerminalOutput)[RAW] ?? stream;
}

/**
 * A byte stream (`evtx dump` to stdout) for the terminal: UTF-8 decoded across writes and passed
 * through terminalText; not a terminal → the stream itself, bytes untouched.
 */
export function terminalByteStream(stream: NodeJS.WriteStream): NodeJS.WritableStream {
  if (!stream.isTTY) return stream;
  const decoder = new TextDecoder('utf-8');
  // A CR at the end of one write may be the first half of a CRLF in the next.
  let heldCr = false;
  const emit = (text: string, callback: (err?: Error | null) => void) => {
    let t = (heldCr ? '\r' : '') + text;
    heldCr = t.endsWith('\r');
    if (heldCr) t = t.slice(0, -1);
    if (t === '' || stream.write(terminalText(t))) callback();
    else stream.once('drain', () => callback());
  };
  return new Writable({
    write(chunk: Buffer | string, _enc, callback) {
      emit(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }), callback);
    },
    final(callback) {
      const tail = (heldCr ? '\r' : '') + decoder.decode();
      heldCr = false;
      if (tail === '' || stream.write(terminalText(tail))) callback();
      else stream.once('drain', () => callback());
    },
  });
}
