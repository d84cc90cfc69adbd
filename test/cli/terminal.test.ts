// src/cli/terminal.ts in-process: what reaches a terminal is escaped, what goes to a pipe is not.
// The built CLI on a real pseudo-terminal: terminal-pty.test.ts.
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import type { OutputStream } from '../../src/cli/context.js';
import { terminalByteStream, terminalControls, terminalOutput, terminalText } from '../../src/cli/terminal.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { runCli } from './helpers.js';

const HOSTILE = 'PC-\u001b[2J\u001b]0;t\u0007\u0000\u009b31m\u202etxt\r\nX';

function sink(isTTY: boolean): OutputStream & { text: string } {
  const s = { text: '', isTTY, columns: 80, write: (t: string) => ((s.text += t), true) };
  return s;
}

describe('terminalText', () => {
  it('escapes every control but the line ends; CRLF and LF end lines, a lone CR is escaped', () => {
    expect(terminalText(`${HOSTILE}\n`)).toBe('PC-\\x1b[2J\\x1b]0;t\\x07\\x00\\u009b31m\\u202etxt\nX\n');
    expect(terminalText('a\rb\r\nc\td')).toBe('a\\rb\nc\\td');
  });
});

describe('terminalOutput', () => {
  it('on a terminal each write is escaped; a pipe gets the stream itself, bytes untouched', () => {
    const tty = sink(true);
    const out = terminalOutput(tty);
    out.write(HOSTILE);
    expect(tty.text).toBe('PC-\\x1b[2J\\x1b]0;t\\x07\\x00\\u009b31m\\u202etxt\nX');
    expect([out.isTTY, out.columns]).toEqual([true, 80]);
    // wrapping twice escapes once; the progress bar reaches the terminal itself
    expect(terminalOutput(out)).toBe(out);
    expect(terminalControls(out)).toBe(tty);
    const pipe = sink(false);
    expect(terminalOutput(pipe)).toBe(pipe);
  });
});

describe('terminalByteStream', () => {
  it('decodes UTF-8 split across writes and escapes it; a CRLF split across writes is one line end', async () => {
    let text = '';
    const tty = Object.assign(new Writable({ write: (c: Buffer, _e, cb) => ((text += c.toString('utf8')), cb()) }), { isTTY: true });
    const out = terminalByteStream(tty as unknown as NodeJS.WriteStream);
    const bytes = Buffer.from('a\u202eb\r\nc\u009b', 'utf8');
    // split inside the 3-byte U+202E, between CR and LF, and inside the 2-byte U+009B
    for (const [from, to] of [[0, 2], [2, 5], [5, 6], [6, 8], [8, bytes.length]]) out.write(bytes.subarray(from, to));
    out.end();
    await finished(out);
    expect(text).toBe('a\\u202eb\nc\\u009b');
    const pipe = Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { isTTY: false });
    expect(terminalByteStream(pipe as unknown as NodeJS.WriteStream)).toBe(pipe);
  });
});

describe('run() makes the context terminal-safe', () => {
  it('an error message naming a hostile path reaches a terminal escaped', async () => {
    const stdout = sink(true);
    const stderr = sink(true);
    const { run } = await import('../../src/cli/main.js');
    const store = createMemoryStore();
    const code = await run(['node', 'kmswatch', 'report', '--at', HOSTILE], {
      stdout,
      stderr,
      env: {},
      exitCode: 0,
      now: () => 0,
      openStore: async () => store,
    });
    expect(code).toBe(2);
    expect(stderr.text).toContain("argument 'PC-\\x1b[2J\\x1b]0;t\\x07\\x00\\u009b31m\\u202etxt\nX' is invalid");
    // piped (runCli's streams are not terminals), the message is the bytes it was
    const piped = await runCli(['report', '--at', HOSTILE], { store });
    expect(piped.stderr).toContain(`argument '${HOSTILE}' is invalid`);
  });
});
