import { describe, expect, it } from 'vitest';
import { displayWidth, printable, truncate } from '../../src/report/cells.js';
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
