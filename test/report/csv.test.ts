import { describe, expect, it } from 'vitest';
import { csvField, renderCsv } from '../../src/report/csv.js';

describe('CSV (RFC 4180, formula-safe)', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField("'; DROP TABLE requests; --")).toBe("'; DROP TABLE requests; --");
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-cmd')).toBe("'-cmd");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    // Numbers and booleans are data, not text: kept as they are.
    expect(csvField(-5)).toBe('-5');
    expect(csvField(true)).toBe('true');
    expect(csvField(null)).toBe('');
  });

  it('writes a header and CRLF-terminated rows', () => {
    const out = renderCsv(
      [
        { header: 'machine', value: (r: { m: string; n: number }) => r.m },
        { header: 'n', value: (r: { m: string; n: number }) => r.n },
      ],
      [
        { m: 'PC,1', n: 2 },
        { m: '=cmd', n: 3 },
      ],
    );
    expect(out).toBe('machine,n\r\n"PC,1",2\r\n\'=cmd,3\r\n');
  });

  it('for a terminal, text cells are escaped and cut as the tables show them; the formula guard stays', () => {
    const columns = [{ header: 'machine', value: (r: { m: string }) => r.m }];
    const rows = [{ m: 'PC-\r\nINJECTED' }, { m: 'PC-\u001b[2J\u009b\u202e' }, { m: 'L'.repeat(5000) }, { m: '=HYPERLINK("x")' }];
    // A CR/LF stays inside its field as the text `\r\n`; the 5,000 L end after 63 and `…` (64 columns).
    expect(renderCsv(columns, rows, { terminal: true })).toBe(
      ['machine', 'PC-\\r\\nINJECTED', 'PC-\\x1b[2J\\u009b\\u202e', `${'L'.repeat(63)}…`, `"'=HYPERLINK(""x"")"`, ''].join('\r\n'),
    );
    // Not for a terminal: every value whole, the CR/LF quoted.
    const whole = renderCsv(columns, rows);
    expect(whole).toContain('\r\n"PC-\r\nINJECTED"\r\n');
    expect(whole).toContain(`\r\n${'L'.repeat(5000)}\r\n`);
  });
});
