import { describe, expect, it } from 'vitest';
import { displayWidth, printable, truncate, wrapText } from '../../src/report/cells.js';
import { renderTable, type Column } from '../../src/report/table.js';
import { formatLocal } from '../../src/report/time.js';

interface Row {
  name: string;
  n: number;
}
const columns: Column<Row>[] = [
  { header: 'Name', value: (r) => r.name, shrink: true, minWidth: 4 },
  { header: 'Count', value: (r) => r.n },
];

describe('renderTable', () => {
  it('aligns text left and numbers right under a rule', () => {
    const out = renderTable(columns, [
      { name: 'kms01', n: 5 },
      { name: 'a-much-longer-host', n: 1234 },
    ]);
    // Name column is 18 wide (the longest name), Count 5 (the header), gap 2.
    expect(out).toBe(
      [
        'Name                Count',
        '──────────────────  ─────',
        'kms01                   5',
        'a-much-longer-host   1234',
        '',
      ].join('\n'),
    );
  });

  it('cuts shrinkable columns to fit the width, with an ellipsis', () => {
    const out = renderTable(columns, [{ name: 'a-much-longer-host', n: 1 }], { width: 16 });
    // 16 − gap 2 − Count 5 = 9 columns for Name: 8 characters + '…'.
    expect(out.split('\n')[2]).toBe('a-much-l…      1');
    for (const line of out.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(16);
  });

  it('escapes control characters so a hostile name cannot break lines or drive the terminal', () => {
    const out = renderTable(columns, [{ name: 'evil\u001b[31m\nname', n: 1 }]);
    expect(out).toContain('evil\\x1b[31m\\nname');
    expect(out.split('\n')).toHaveLength(4);
    expect(printable('<script>"x"</script>')).toBe('<script>"x"</script>');
  });

  it('escapes DEL, C1 and bidirectional controls too, as JSON writes them: U+009B (a one-byte CSI), U+202E, U+2066, U+200E', () => {
    expect(printable('PC-\u009b31m')).toBe('PC-\\u009b31m');
    expect(printable('PC-\u202etxt.exe')).toBe('PC-\\u202etxt.exe');
    expect(printable('\u2066a\u2069\u200e\u061c\u007f')).toBe('\\u2066a\\u2069\\u200e\\u061c\\u007f');
    // ordinary non-ASCII text is left alone
    expect(printable('Müller-PC 漢字')).toBe('Müller-PC 漢字');
  });

  it('ends a cell longer than its column maxWidth (64 by default) with an ellipsis, terminal or not', () => {
    const out = renderTable(columns, [{ name: 'L'.repeat(5000), n: 1 }]);
    // 63 L + '…' = 64 columns; the header line and rule follow the cut width.
    expect(out.split('\n')[2]).toBe(`${'L'.repeat(63)}…      1`);
    const wide: Column<Row>[] = [{ header: 'Name', value: (r) => r.name, maxWidth: 100 }];
    expect(renderTable(wide, [{ name: 'L'.repeat(5000), n: 1 }]).split('\n')[2]).toBe(`${'L'.repeat(99)}…`);
  });

  it('wraps a wrap column (header too) at spaces to fit the width; names and ids are never cut', () => {
    interface Failure {
      machine: string;
      meaning: string;
    }
    const cols: Column<Failure>[] = [
      { header: 'Machine', value: (f) => f.machine },
      { header: 'Meaning of the result', value: (f) => f.meaning, wrap: true, minWidth: 10 },
    ];
    const out = renderTable(cols, [{ machine: 'PC-00021.corp.contoso.com', meaning: 'The KMS host cannot be used here.' }], { width: 40 });
    // 40 − gap 2 − Machine 25 = 13 columns for Meaning; words move to the next line whole.
    expect(out).toBe(
      [
        'Machine                    Meaning of',
        '                           the result',
        '─────────────────────────  ─────────────',
        'PC-00021.corp.contoso.com  The KMS host',
        '                           cannot be',
        '                           used here.',
        '',
      ].join('\n'),
    );
    for (const line of out.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });

  it('wraps headers wider than their cells before any cell gives way', () => {
    interface Host {
      host: string;
      failed: number;
      clears: number;
    }
    const cols: Column<Host>[] = [
      { header: 'Host', value: (h) => h.host },
      { header: 'DNS failed', value: (h) => h.failed },
      { header: 'Log clears', value: (h) => h.clears },
    ];
    // Natural: 22 + 10 + 10 + two gaps of 2 = 46. At 40: both headers wrap to their longest word (6): 22 + 6 + 6 + 4 = 38.
    const out = renderTable(cols, [{ host: 'KMS01.corp.contoso.com', failed: 20, clears: 1 }], { width: 40 });
    expect(out).toBe(
      [
        'Host                       DNS     Log',
        '                        failed  clears',
        '──────────────────────  ──────  ──────',
        'KMS01.corp.contoso.com      20       1',
        '',
      ].join('\n'),
    );
  });

  it('when names and ids alone are wider than the terminal, each row becomes a block of Header  value lines', () => {
    interface Failure {
      machine: string;
      cmid: string;
      meaning: string;
    }
    const cols: Column<Failure>[] = [
      { header: 'Machine', value: (f) => f.machine },
      { header: 'CMID', value: (f) => f.cmid },
      { header: 'Meaning', value: (f) => f.meaning, wrap: true, minWidth: 16, maxWidth: 200 },
    ];
    const rows = [
      { machine: 'AVD-00017.CORP.CONTOSO.COM', cmid: '5da8447a-9377-4732-9c66-1f7107b951d1', meaning: 'The Software Licensing Service determined that the specified KMS cannot be used.' },
      { machine: 'PC-1', cmid: 'c087ec45-b359-47c5-96f6-25c9a8b0130f', meaning: 'ok' },
    ];
    // Machine 26 + CMID 36 + Meaning ≥ 16 + two gaps of 2 = 82 > 60: no table fits.
    const out = renderTable(cols, rows, { width: 60, indent: '  ' });
    // Labels padded to 7 (Machine), gap 2; values get 60 − 2 − 7 − 2 = 49 columns.
    expect(out).toBe(
      [
        '  Machine  AVD-00017.CORP.CONTOSO.COM',
        '  CMID     5da8447a-9377-4732-9c66-1f7107b951d1',
        '  Meaning  The Software Licensing Service determined that',
        '           the specified KMS cannot be used.',
        '  ───────',
        '  Machine  PC-1',
        '  CMID     c087ec45-b359-47c5-96f6-25c9a8b0130f',
        '  Meaning  ok',
        '',
      ].join('\n'),
    );
  });

  it('counts wide characters as two columns', () => {
    expect(displayWidth('漢字')).toBe(4);
    expect(truncate('漢字漢字', 5)).toBe('漢字…');
  });
});

describe('formatLocal', () => {
  it('shows UTC instants in the named zone', () => {
    // Berlin is UTC+1 in winter, UTC+2 from 29 March 2026 (last Sunday of March).
    expect(formatLocal('2026-03-01T00:00:00.000Z', 'Europe/Berlin')).toBe('2026-03-01 01:00');
    expect(formatLocal('2026-07-01T23:30:00.000Z', 'Europe/Berlin')).toBe('2026-07-02 01:30');
    expect(formatLocal('2026-07-01T23:30:00.000Z', 'UTC')).toBe('2026-07-01 23:30');
    expect(formatLocal(null, 'UTC')).toBe('');
  });
});

describe('wrapText', () => {
  it('breaks at spaces, a word wider than the line inside it', () => {
    expect(wrapText('one two three', 7)).toEqual(['one two', 'three']);
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapText('漢字漢字 x', 4)).toEqual(['漢字', '漢字', 'x']);
    expect(wrapText('', 4)).toEqual(['']);
  });

  it('list: breaks between `, `-separated items, an item wider than the line at its spaces', () => {
    expect(wrapText('25: met (49), 5: met (6)', 16, { list: true })).toEqual(['25: met (49),', '5: met (6)']);
    expect(wrapText('PC-1.corp, VDI-01-1.corp, VDI-01-2.corp', 25, { list: true })).toEqual(['PC-1.corp, VDI-01-1.corp,', 'VDI-01-2.corp']);
    // 'b c d e f' does not fit after 'a,': it starts a line of its own and wraps at its spaces.
    expect(wrapText('a, b c d e f', 5, { list: true })).toEqual(['a,', 'b c d', 'e f']);
  });
});
