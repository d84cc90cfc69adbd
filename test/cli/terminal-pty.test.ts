/**
 * Every CLI output on a pseudo-terminal, over a database of hostile names (hostile.ts): no raw
 * control byte reaches the terminal, tables fit its 80 columns, long names end in `…`; piped, the
 * same outputs stay verbatim (CSV keeps its formula guard).
 *
 * Runs the built CLI (bin/kmswatch → dist/; `npm test` builds first) on a pseudo-terminal made by
 * util-linux `script` (Debian's bsdutils, an essential package): only Node.js and a base Debian are
 * needed, no native pty module.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/report/cells.js';
import { REPORT_CSV_SECTIONS } from '../../src/report/report-csv.js';
import { repoRoot } from '../helpers/paths.js';
import { HOSTILE, writeHostileFixture, type HostileFixture } from './hostile.js';

const BIN = path.join(repoRoot, 'bin', 'kmswatch');
const AT = ['--at', '2026-03-01T00:00:00Z'];
const COLUMNS = 80;

/**
 * What cli-progress draws its bar with on stderr (save/restore cursor, hide/show it, line wrap
 * off/on, column 1, erase line): kmswatch's own sequences, carrying no data. Any other control is
 * a failure, the hostile names' ESC [2J and OSC … BEL included.
 */
const PROGRESS_BAR_SEQUENCES = ['\u001b7', '\u001b8', '\u001b[?25l', '\u001b[?25h', '\u001b[?7l', '\u001b[?7h', '\u001b[1G', '\u001b[0K', '\u001b[2K'];
/** C0 (but LF), DEL, C1, the bidi controls and the Unicode line/paragraph separators. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

interface Run {
  code: number | null;
  /** What the terminal received (stdout and stderr, as a terminal shows them), CRLF made LF. */
  text: string;
  bytes: Buffer;
}

let fx: HostileFixture;
let db: string;

/** `kmswatch --db <db> ...args` on a pseudo-terminal of COLUMNS columns; args reach it through the environment, byte for byte. */
function onTerminal(args: readonly string[], options: { timeoutSeconds?: number; db?: string | null } = {}): Promise<Run> {
  const argv = options.db === null ? [...args] : ['--db', options.db ?? db, ...args];
  const env: Record<string, string> = { ...(process.env as Record<string, string>), SHELL: '/bin/sh', KMSWATCH_NODE: process.execPath, KMSWATCH_BIN: BIN, TZ: 'UTC' };
  argv.forEach((a, i) => (env[`KMSWATCH_ARG${i}`] = a));
  const words = argv.map((_, i) => `"$KMSWATCH_ARG${i}"`).join(' ');
  const stop = options.timeoutSeconds ? `timeout -s TERM ${options.timeoutSeconds} ` : '';
  const command = `stty cols ${COLUMNS} rows 40; ${stop}"$KMSWATCH_NODE" "$KMSWATCH_BIN" ${words}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: fx.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => out.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const bytes = Buffer.concat(out);
      resolve({ code, bytes, text: bytes.toString('utf8').replaceAll('\r\n', '\n') });
    });
  });
}

/** The same command with stdout and stderr piped (not terminals). */
function piped(args: readonly string[]): { code: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], { cwd: fx.dir, env: { ...process.env, TZ: 'UTC' }, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** Raw controls left after the progress bar's own sequences, each with its neighbourhood. */
function rawControls(run: Run): string[] {
  let text = run.text;
  for (const s of PROGRESS_BAR_SEQUENCES) text = text.replaceAll(s, '');
  const found = [...text.matchAll(RAW_CONTROL)].map((m) => `U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, m.index - 24), m.index + 24))}`);
  // A lone C1 byte (0x9b) is not UTF-8, so the text above would not show it: the bytes must decode.
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(run.bytes);
  } catch {
    found.push('bytes that are not UTF-8');
  }
  return found;
}

function wideLines(text: string): string[] {
  return text.split('\n').filter((l) => displayWidth(l) > COLUMNS);
}

beforeAll(() => {
  if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'terminal.js')) || statSync(path.join(repoRoot, 'dist', 'cli', 'terminal.js')).mtimeMs < statSync(path.join(repoRoot, 'src', 'cli', 'terminal.ts')).mtimeMs) {
    throw new Error('dist/ is missing or older than src/cli/terminal.ts: run `npm run build` first (`npm test` does)');
  }
  if (spawnSync('script', ['--version']).status !== 0) throw new Error('util-linux `script` is needed for a pseudo-terminal (Debian: bsdutils)');
  fx = writeHostileFixture(mkdtempSync(path.join(tmpdir(), 'kmswatch-terminal-')));
  db = path.join(fx.dir, 'hostile.db');
});
afterAll(() => rmSync(fx.dir, { recursive: true, force: true }));

describe('hostile names on a terminal', () => {
  it('ingest: the badly named file is reported escaped; the progress bar is the only control sequence', async () => {
    const r = await onTerminal(['ingest', '--timezone', 'UTC', fx.exports, fx.evtx, fx.badlyNamed]);
    expect(r.code).toBe(1);
    expect(rawControls(r)).toEqual([]);
    expect(r.text).toContain('evil-\\x1b[2J-\\u202e.ndjson');
    // 16 requests in the NDJSON + 14 in the EVTX (no NUL name) − 2: the EVTX's records 1 and 2 are
    // the NDJSON's first two (same host, time, channel and record id), stored once
    expect(r.text).toMatch(/new requests\s+28\n\s+new host events\s+0\n\s+new client events\s+0\n\s+duplicates skipped\s+2\n/);
  }, 60_000);

  it('every command, its tables and error messages: no raw control byte, tables within 80 columns', async () => {
    const commands: string[][] = [
      ['report', ...AT, '--timezone', 'UTC'],
      ['report', '--json', ...AT],
      ...REPORT_CSV_SECTIONS.map((s) => ['report', '--csv', '--section', s, ...AT]),
      ['clients', ...AT, '--timezone', 'UTC'],
      ['clients', '--csv', ...AT],
      ['clients', '--json', ...AT],
      ['alerts', '--dry-run', ...AT],
      ['alerts', '--json', '--dry-run', ...AT],
      ['notify', '--dry-run', '--always', '--config', fx.config, ...AT],
      ['collect', '--dry-run', '--config', fx.config, ...AT],
      ['db', 'status'],
      ['db', 'status', '--json'],
      ['evtx', 'info', fx.evtx],
      ['evtx', 'info', '--json', fx.evtx],
      ['evtx', 'dump', fx.evtx],
      ['evtx', 'dump', '--format', 'jsonl', fx.evtx],
      ['evtx', 'info', fx.badlyNamed],
      // names on the command line come back in error messages
      ['report', '--at', 'PC-\u001b[2J\u0007'],
      ['report', '--csv', '--section', 'x\u001b]0;t\u0007'],
      ['ingest', path.join(fx.dir, 'missing-\u001b[2J-\u009b.evtx')],
      ['--db', path.join(fx.dir, 'no-\u001b[2J-\u202e.db'), 'report'],
      ['simulate', '--out', path.join(fx.dir, 'sim-\u001b]0;t\u0007'), '--clients', '5', '--hosts', '1', '--days', '1'],
    ];
    const failures: string[] = [];
    for (const args of commands) {
      const r = await onTerminal(args, { db: args[0] === '--db' ? null : undefined });
      const found = rawControls(r);
      if (found.length > 0) failures.push(`${JSON.stringify(args)}: ${found.slice(0, 3).join('; ')}`);
      if (args[0] === 'report' && !args.includes('--csv') && !args.includes('--json') && args.length > 3) {
        expect(wideLines(r.text), 'report lines wider than the terminal').toEqual([]);
        // the data is shown, escaped, not dropped; the 5,000-character name ends in an ellipsis; a
        // NUL is stored as U+FFFD on every backend (store/nul.ts)
        for (const shown of ['PC-\\x1b[2J-clear', 'PC-\\x1b]0;pwned\\x07-title', 'PC-\uFFFD-nul', 'PC-\\u009b31m-csi', 'PC-\\u202etxt.exe', 'PC-\\r\\nINJECTED', `${'L'.repeat(63)}…`, 'KMS-\\x1b[2J-host']) {
          expect(r.text).toContain(shown);
        }
      }
      if (args[0] === 'clients' && args.includes('--csv')) {
        expect(r.text).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")"`);
        expect(r.text).toContain(`\nPC-\\r\\nINJECTED,`);
        expect(r.text).toContain(`\n${'L'.repeat(63)}…,`);
      }
      if (args[0] === 'notify') expect(r.text).toContain(',PC-\\r\\nINJECTED,');
      // JSON escapes C0 itself and the terminal escapes the rest as JSON does: still the same JSON
      if (args[0] === 'report' && args.includes('--json')) expect(JSON.parse(r.text)).toEqual(JSON.parse(piped(args).stdout.toString('utf8')));
      if (args[0] === 'clients' && args.length === 5) expect(wideLines(r.text)).toEqual([]);
    }
    expect(failures).toEqual([]);
  }, 240_000);

  it('watch: the run it prints before SIGTERM stops it', async () => {
    const r = await onTerminal(['watch', '--dry-run', '--always', '--config', fx.config, '--every', '1h'], { timeoutSeconds: 15 }); // 8 s was too short while the whole suite loaded both cores
    expect(r.text).toContain('stopping after the current run');
    expect(r.text).toContain('Subject: [KMS]');
    // collect reads the badly named file of the drop folder every run: its name, escaped
    expect(r.text).toContain('evil-\\x1b[2J-\\u202e.ndjson: not read');
    expect(rawControls(r)).toEqual([]);
  }, 60_000);

  it('demo: the Failures table (250 columns wide before) fits 80 columns', async () => {
    const r = await onTerminal(['demo', '--at', '2026-03-01T00:00:00Z'], { db: null });
    expect(r.code).toBe(0);
    expect(rawControls(r)).toEqual([]);
    const failures = r.text.slice(r.text.indexOf('Failures (last 30 days)'), r.text.indexOf('\nClients\n'));
    expect(failures).toContain('Meaning');
    expect(wideLines(failures)).toEqual([]);
    // the whole report, up to the closing notes on stderr (which name the demo's temp folder)
    expect(wideLines(r.text.slice(r.text.indexOf('KMS report at'), r.text.indexOf('logs, truth.json and the database')))).toEqual([]);
  }, 120_000);
});

describe('the same outputs piped stay verbatim', () => {
  it('CSV keeps the names whole, controls raw, and its formula guard; dry-run mail CSV too', () => {
    const csv = piped(['report', '--csv', '--section', 'failures', ...AT]).stdout.toString('utf8');
    expect(csv).toContain(`\r\n${HOSTILE.clear},`);
    expect(csv).toContain(`\r\n${HOSTILE.title},`);
    expect(csv).toContain(`\r\n"${HOSTILE.crlf}",`);
    expect(csv).toContain(`\r\n${HOSTILE.long},`);
    expect(csv).toContain(`\r\n${HOSTILE.rlo},`);
    expect(csv).toContain(`\r\n"'=HYPERLINK(""http://evil.test"",""click"")",`);
    const clients = piped(['clients', '--csv', ...AT]).stdout.toString('utf8');
    expect(clients).toContain(`\r\n${HOSTILE.nul.replace('\u0000', '\uFFFD')},`);
    expect(clients).toContain(`\r\n${HOSTILE.csi},`);
    const notify = piped(['notify', '--dry-run', '--always', '--config', fx.config, ...AT]).stdout.toString('utf8');
    // the dry run shows the attachment with LF line ends (a CRLF inside a field too)
    expect(notify).toContain(`,"${HOSTILE.crlf.replace('\r\n', '\n')}",`);
    const dump = piped(['evtx', 'dump', '--format', 'jsonl', fx.evtx]).stdout.toString('utf8');
    // JSON escapes C0 itself; C1 and U+202E are valid JSON text and come through as they are
    expect(dump).toContain('PC-\u009b31m-csi');
    expect(dump).toContain('PC-\u202etxt.exe');
  });
});
