/**
 * `wevtutil qe … /f:text` (src/sources/wevtutil-text.ts). The layout is that of real output
 * published in these sources:
 * - TryHackMe "Windows Event Logs" room, as written up publicly (e.g.
 *   https://jacob-taylor.gitbook.io/security-analyst/path-4/endpoint-security-monitoring/windows-event-logs):
 *   `wevtutil.exe qe Application /q:*\/System[EventID=100] /f:text /c:1` prints `Event[0]:`, then
 *   `  Log Name: Application`, `  Source: WLMS`, `  Date: 2020-12-14T17:09:08.940` (local, no
 *   offset), `  Event ID: 100`, `  Task: None`, `  Level: Information`, `  Opcode: Info`,
 *   `  Keyword: Classic`, `  User: N/A`, `  User Name: N/A`, `  Computer: WIN-1O0UJBNP9G7`,
 *   `  Description:` and the message on the next line; `wevtutil qe Application /c:3 /rd:true /f:text`
 *   on the same machine prints three Microsoft-Windows-Security-SPP events (16384, 16394) with
 *   `Task: N/A`, `Opcode: N/A`, `Keyword: Classic`, a blank line between events.
 * - sergueik/springboot_study `basic-jna-eventlog/README.md`: `wevtutil.exe qe log4jna_sample
 *   /rd:true /f:text /c:1` on a Russian-language Windows desktop: the same English labels with localised values
 *   (`Level: Сведения`, `Keyword: Классический`) and `Date: 2024-01-25T18:02:54.0220000Z`, the
 *   current builds' UTC form.
 * The KMS events' messages follow the sppsvc.exe message templates (libyal/winevt-kb
 * `docs/sources/message-files/MessageFile-sppsvc.exe.md`), as src/simulate/events.ts renders them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/sources/detect.js';
import { decodeText } from '../../src/sources/text.js';
import { readWevtutilTextSource } from '../../src/sources/wevtutil-text.js';
import { chunks, collect, fixture, readOptions } from './helpers.js';

const read = (text: string | Uint8Array, extra = {}, chunkSize = 64 * 1024) =>
  collect(readWevtutilTextSource(chunks(typeof text === 'string' ? Buffer.from(text) : text, chunkSize), readOptions('kms.txt', extra)));

// Two KMS events in the layout of the samples above (CRLF, as Windows writes it).
const SAMPLE = [
  'Event[0]:',
  '  Log Name: Key Management Service',
  '  Source: Microsoft-Windows-Security-SPP',
  '  Date: 2026-02-02T09:15:42.123',
  '  Event ID: 12290',
  '  Task: N/A',
  '  Level: Information',
  '  Opcode: N/A',
  '  Keyword: Classic',
  '  User: N/A',
  '  User Name: N/A',
  '  Computer: KMS01.corp.contoso.com',
  '  Description:',
  'An activation request has been processed.',
  'Info:',
  '0x0,25,PC01.corp.contoso.com,4b3c0a3e-6b2f-4c1d-9e0a-1f2d3c4b5a61,2026/2/2 8:15,0,2,43200,73111121-5638-40f6-bc11-f1d7b0d64300',
  '',
  'Event[1]:',
  '  Log Name: Application',
  '  Source: Microsoft-Windows-Security-SPP',
  '  Date: 2026-02-04T08:00:02.000',
  '  Event ID: 12293',
  '  Task: N/A',
  '  Level: Information',
  '  Opcode: N/A',
  '  Keyword: Classic',
  '  User: N/A',
  '  User Name: N/A',
  '  Computer: KMS01.corp.contoso.com',
  '  Description:',
  "Publishing the Key Management Service (KMS) to DNS in the 'corp.contoso.com' domain failed.",
  'Info:',
  '0x8007232B',
  '',
].join('\r\n');

describe('wevtutil /f:text reader', () => {
  it('maps each Event[N] block: log, source, computer, event id; Date local to --timezone; the description as the message; no record id', async () => {
    const { events, issues } = await read(SAMPLE, { timezone: 'Europe/Berlin' });
    expect(issues).toEqual([]);
    expect(events).toHaveLength(2);
    // 2026-02-02 09:15:42.123 in Berlin (CET, UTC+1) = 08:15:42.123Z.
    expect(events[0]).toMatchObject({
      eventId: 12290, channel: 'Key Management Service', provider: 'Microsoft-Windows-Security-SPP', host: 'KMS01.corp.contoso.com',
      time: Date.parse('2026-02-02T08:15:42.123Z'), data: null, origin: { file: 'kms.txt', format: 'wevtutil-text', line: 1, index: 0 },
    });
    expect(events[0].recordId).toBeUndefined();
    expect(events[0].message).toBe('An activation request has been processed.\nInfo:\n0x0,25,PC01.corp.contoso.com,4b3c0a3e-6b2f-4c1d-9e0a-1f2d3c4b5a61,2026/2/2 8:15,0,2,43200,73111121-5638-40f6-bc11-f1d7b0d64300');
    // The second block starts on line 18 (16 lines of the first, one blank line).
    expect(events[1]).toMatchObject({ eventId: 12293, channel: 'Application', time: Date.parse('2026-02-04T07:00:02.000Z'), origin: { line: 18, index: 1 } });
    expect(events[1].message).toBe("Publishing the Key Management Service (KMS) to DNS in the 'corp.contoso.com' domain failed.\nInfo:\n0x8007232B");
  });

  it('reads a Date with Z (current Windows) as UTC whatever --timezone says; localised values do not matter', async () => {
    const text = [
      'Event[0]:', '  Log Name: Key Management Service', '  Source: Microsoft-Windows-Security-SPP', '  Date: 2024-01-25T18:02:54.0220000Z',
      '  Event ID: 12290', '  Task: N/A', '  Level: Сведения', '  Opcode: Сведения', '  Keyword: Классический', '  User: N/A', '  User Name: N/A',
      '  Computer: KMS02', '  Description:', 'x', '',
    ].join('\n');
    const { events } = await read(text, { timezone: 'America/New_York' });
    expect(events[0]).toMatchObject({ host: 'KMS02', time: Date.parse('2024-01-25T18:02:54.022Z') });
  });

  it('gives the same events whatever the chunk size (UTF-16LE fixture in 7-byte chunks)', async () => {
    const bytes = readFileSync(fixture('wevtutil-kms01-ps51.txt'));
    const whole = await read(bytes, { timezone: 'Europe/Berlin' });
    const small = await read(bytes, { timezone: 'Europe/Berlin' }, 7);
    expect(small).toEqual(whole);
    // 6 KMS events, then the appended Application query numbered from Event[0] again: 4 more.
    expect(whole.events.map((e) => e.eventId)).toEqual([12290, 12290, 12290, 12290, 12290, 12290, 12294, 12293, 12291, 12294]);
    expect(whole.events.map((e) => e.origin.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(whole.issues).toEqual([]);
  });

  it('a block without a readable Event ID or Date is an issue naming its line; the others are kept', async () => {
    const text = SAMPLE.replace('Event ID: 12290', 'Event ID: twelve')
      + 'Event[2]:\r\n  Log Name: Application\r\n  Date: yesterday\r\n  Event ID: 12294\r\n  Description:\r\nx\r\n';
    const { events, issues } = await read(text, { timezone: 'UTC' });
    expect(events.map((e) => e.eventId)).toEqual([12293]);
    expect(issues).toEqual([
      { file: 'kms.txt', format: 'wevtutil-text', line: 1, record: 0, reason: 'bad Event ID "twelve"' },
      { file: 'kms.txt', format: 'wevtutil-text', line: 34, record: 2, reason: 'bad Date "yesterday" (not a known date format)' },
    ]);
  });

  it('text before the first Event[N]: line is one issue; the events after it are read', async () => {
    const { events, issues } = await read(`C:\\>wevtutil qe "Key Management Service" /f:text\r\n${SAMPLE}`, { timezone: 'UTC' });
    expect(events).toHaveLength(2);
    expect(issues).toMatchObject([{ line: 1, reason: expect.stringContaining('before the first "Event[N]:" line') }]);
  });

  it('a description on the label line and a file without a final newline', async () => {
    const { events } = await read('Event[0]:\n  Log Name: Application\n  Date: 2026-01-01T00:00:00.000\n  Event ID: 100\n  Computer: H\n  Description: N/A', { timezone: 'UTC' });
    expect(events).toMatchObject([{ eventId: 100, host: 'H', message: 'N/A' }]);
  });
});

describe('detection and encodings', () => {
  const utf8 = readFileSync(fixture('wevtutil-kms01-ps51.txt')).subarray(2).toString('utf16le');

  it('detects /f:text by content in UTF-16LE with BOM, UTF-8 with and without BOM, and an OEM code page', () => {
    for (const [name, bytes] of [
      ['ps51', readFileSync(fixture('wevtutil-kms01-ps51.txt'))],
      ['utf8', Buffer.from(utf8)],
      ['utf8-bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(utf8)])],
      ['cp850', readFileSync(fixture('wevtutil-kms01-cp850.txt'))],
    ] as const) {
      expect(detectFormat(bytes, 'kms.txt'), name).toBe('wevtutil-text');
    }
    // Event Viewer's tab-delimited save is still its own format.
    expect(detectFormat(readFileSync(fixture('eventviewer-kms01.txt')), 'kms.txt')).toBe('csv-eventviewer');
  });

  it('UTF-8 (with or without BOM) gives the events of the UTF-16 file', async () => {
    const ps51 = await read(readFileSync(fixture('wevtutil-kms01-ps51.txt')), { timezone: 'Europe/Berlin' });
    expect(await read(utf8, { timezone: 'Europe/Berlin' })).toEqual(ps51);
    expect(await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(utf8)]), { timezone: 'Europe/Berlin' })).toEqual(ps51);
  });

  it('cmd.exe output in code page 850 reads right only with encoding cp850 (0x9A is Ü in cp850)', async () => {
    const bytes = readFileSync(fixture('wevtutil-kms01-cp850.txt'));
    const ps51 = await read(readFileSync(fixture('wevtutil-kms01-ps51.txt')), { timezone: 'Europe/Berlin' });
    const cp850 = await read(bytes, { timezone: 'Europe/Berlin', encoding: 'cp850' });
    expect(cp850).toEqual(ps51);
    expect(cp850.events[3].message).toContain(',BÜRO-PC04,');
    const guessed = await read(bytes, { timezone: 'Europe/Berlin' });
    expect(guessed.events[3].message).not.toContain('BÜRO');
  });
});

describe('decodeText with a code page', () => {
  const text = async (parts: number[][], encoding?: string) => {
    let out = '';
    for await (const t of decodeText(chunks(Uint8Array.from(parts.flat()), 1), encoding)) out += t;
    return out;
  };

  it('cp850 and cp437 bytes by their tables (0x81 ü, 0x9A Ü, 0xE1 ß in both; 0x9B ø in 850, ¢ in 437)', async () => {
    expect(await text([[0x81, 0x9a, 0xe1, 0x9b]], 'cp850')).toBe('üÜßø');
    expect(await text([[0x81, 0x9a, 0xe1, 0x9b]], 'cp437')).toBe('üÜß¢');
  });

  it('a double-byte code page character split between chunks (Shift_JIS 0x83 0x41 is ア)', async () => {
    expect(await text([[0x41, 0x83], [0x41, 0x42]], 'cp932')).toBe('AアB');
  });

  it('a BOM wins over the code page asked for', async () => {
    expect(await text([[0xff, 0xfe, 0x41, 0x00, 0xdc, 0x00]], 'cp850')).toBe('AÜ');
    expect(await text([[0xef, 0xbb, 0xbf, 0xc3, 0x9c]], 'cp850')).toBe('Ü');
  });
});
