/**
 * The read position the offline page's progress bar follows (src/web/dashboard/src/offline-read-position.ts):
 * the readers of src/web/bytes-source.ts walk the file by slices, and the furthest slice end seen
 * grows as they go and ends at the file's size.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBytesSource } from '../../src/web/bytes-source.js';
import { ReadPositionBytes } from '../../src/web/dashboard/src/offline-read-position.js';
import { corpusDir } from '../helpers/paths.js';

describe('offline page: the read position behind the progress bar', () => {
  it('follows an EVTX read chunk by chunk to the end of the file', async () => {
    const file = readFileSync(path.join(corpusDir, 'evtxrs__security.evtx'));
    const bytes = new ReadPositionBytes(file.buffer.slice(file.byteOffset, file.byteOffset + file.length));
    expect(bytes.length).toBe(file.length);
    const seen: number[] = [];
    let events = 0;
    for await (const item of readBytesSource(bytes, { file: 'security.evtx', timezone: 'UTC' })) {
      if (item.ok) events++;
      seen.push(bytes.furthest);
    }
    // 2,166,784 bytes = a 4 KiB header and 33 chunks of 64 KiB (MS-EVEN6: the file's layout), so
    // positions between the two ends are seen while the chunks are read
    expect(file.length).toBe(4096 + 33 * 65536);
    expect(events).toBeGreaterThan(0);
    expect(seen.every((p, i) => i === 0 || p >= seen[i - 1])).toBe(true);
    expect(seen.some((p) => p > 0 && p < file.length)).toBe(true);
    expect(bytes.furthest).toBe(file.length); // the trailing chunks hold no record: reached once the reader is done
  });

  it('follows a text export slice by slice', async () => {
    const line = '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="x"/><EventID>1</EventID><Channel>Security</Channel><Computer>h</Computer><TimeCreated SystemTime="2026-01-01T00:00:00Z"/></System></Event>\n';
    const text = new TextEncoder().encode(line.repeat(4000)); // ≈ 900 KB: several 256 KiB slices
    const bytes = new ReadPositionBytes(text.buffer);
    const seen: number[] = [];
    for await (const _ of readBytesSource(bytes, { file: 'x.xml', timezone: 'UTC' })) seen.push(bytes.furthest);
    expect(seen.some((p) => p < text.length)).toBe(true);
    expect(bytes.furthest).toBe(text.length);
  });
});
