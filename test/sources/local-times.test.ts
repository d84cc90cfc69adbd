import { describe, expect, it } from 'vitest';
import { readCsvSource } from '../../src/sources/csv.js';
import { readWevtutilTextSource } from '../../src/sources/wevtutil-text.js';
import { readEventTime } from '../../src/sources/time.js';
import { chunks, collect, readOptions, SEED_INFO } from './helpers.js';

/*
 * Europe/Berlin, 2026-10-25: 03:00 CEST (+02:00) → 02:00 CET (+01:00). 02:30 local is 00:30Z
 * (first) and 01:30Z (second). 2026-03-29: 02:00 CET → 03:00 CEST, 02:30 local does not exist.
 */
const FIRST_0230 = Date.UTC(2026, 9, 25, 0, 30);
const SECOND_0230 = Date.UTC(2026, 9, 25, 1, 30);

describe('readEventTime', () => {
  it('keeps both instants of a time of the repeated hour, the zone it was read in, and refuses a skipped one', () => {
    expect(readEventTime('2026-10-25 02:30:00', 'Europe/Berlin')).toEqual({ time: FIRST_0230, timeZone: 'Europe/Berlin', timeLater: SECOND_0230 });
    // 01:30 local is 23:30Z the day before (+02:00), once
    expect(readEventTime('2026-10-25 01:30:00', 'Europe/Berlin')).toEqual({ time: Date.UTC(2026, 9, 24, 23, 30), timeZone: 'Europe/Berlin' });
    expect(readEventTime('2026-03-29 02:30:00', 'Europe/Berlin')).toMatch(/does not exist in Europe\/Berlin/);
    // times with an offset or in UTC carry no zone: they cannot be read in a wrong one
    expect(readEventTime('2026-10-25T02:30:00+02:00', 'Europe/Berlin')).toEqual({ time: FIRST_0230 });
    expect(readEventTime('2026-10-25T00:30:00.0000000Z', 'Europe/Berlin')).toEqual({ time: FIRST_0230 });
    // read in UTC because that is the zone given (or this machine's): a wall time like any other
    expect(readEventTime('2026-10-25 02:30:00', 'UTC')).toEqual({ time: Date.UTC(2026, 9, 25, 2, 30), timeZone: 'UTC' });
  });
});

/** An Event Viewer CSV (no record ids, no computer) of 12290s at these local times, in this order. */
function eventViewerCsv(localTimes: string[]): Uint8Array {
  const rows = localTimes.map((t) => `Information,${t},Microsoft-Windows-Security-SPP,12290,None,"An activation request has been processed.\r\nInfo:\r\n${SEED_INFO}"`);
  return new TextEncoder().encode(['Level,Date and Time,Source,Event ID,Task Category', ...rows].join('\r\n') + '\r\n');
}

/** wevtutil /f:text of 12290s at these local times (ISO without offset), in this order. */
function wevtutilText(localTimes: string[]): Uint8Array {
  const blocks = localTimes.map((t, i) => [
    `Event[${i}]:`, '  Log Name: Key Management Service', '  Source: Microsoft-Windows-Security-SPP', `  Date: ${t}`, '  Event ID: 12290',
    '  Task: N/A', '  Level: Information', '  Opcode: N/A', '  Keyword: Classic', '  User: N/A', '  User Name: N/A', '  Computer: KMS01.corp.contoso.com',
    '  Description:', 'An activation request has been processed.', 'Info:', SEED_INFO, '',
  ].join('\r\n'));
  return new TextEncoder().encode(blocks.join('\r\n'));
}

const berlin = readOptions('x', { timezone: 'Europe/Berlin', host: 'KMS01' });

describe('times of the repeated hour in a file', () => {
  it('take the earlier instant, counted, when the order cannot tell', async () => {
    // newest first: 03:10 (02:10Z), 02:30 (00:30Z or 01:30Z: both between), 01:50 (23:50Z)
    const { events, issues } = await collect(readCsvSource(chunks(eventViewerCsv(['10/25/2026 3:10:00 AM', '10/25/2026 2:30:00 AM', '10/25/2026 1:50:00 AM']), 40), berlin));
    expect(issues).toEqual([]);
    expect(events.map((e) => [e.time, e.timeChoice, e.timeLater])).toEqual([
      [Date.UTC(2026, 9, 25, 2, 10), undefined, undefined],
      [FIRST_0230, 'earlier', undefined],
      [Date.UTC(2026, 9, 24, 23, 50), undefined, undefined],
    ]);
  });

  it('follow the order the file\'s other times show, against the format\'s habit (wevtutil /rd:true: newest first)', async () => {
    // newest first although wevtutil writes oldest first by default: 03:40, 03:20 (unambiguous, falling),
    // then 02:10 (second: 01:10Z), 02:50 (first: 00:50Z), 01:55
    const text = wevtutilText(['2026-10-25T03:40:00.000', '2026-10-25T03:20:00.000', '2026-10-25T02:10:00.000', '2026-10-25T02:50:00.000', '2026-10-25T01:55:00.000']);
    const { events, issues } = await collect(readWevtutilTextSource(chunks(text, 64), berlin));
    expect(issues).toEqual([]);
    expect(events.map((e) => [e.time, e.timeChoice ?? null])).toEqual([
      [Date.UTC(2026, 9, 25, 2, 40), null],
      [Date.UTC(2026, 9, 25, 2, 20), null],
      [Date.UTC(2026, 9, 25, 1, 10), 'order'],
      [Date.UTC(2026, 9, 25, 0, 50), 'order'],
      [Date.UTC(2026, 9, 24, 23, 55), null],
    ]);
  });

  it('are read oldest first in a wevtutil export without other times to tell', async () => {
    // only 02:50 then 02:10: oldest first (wevtutil's default) means 00:50Z then 01:10Z; one event
    // before or after would have allowed both readings of each
    const { events } = await collect(readWevtutilTextSource(chunks(wevtutilText(['2026-10-25T02:50:00.000', '2026-10-25T02:10:00.000']), 64), berlin));
    expect(events.map((e) => [e.time, e.timeChoice])).toEqual([[Date.UTC(2026, 9, 25, 0, 50), 'order'], [Date.UTC(2026, 9, 25, 1, 10), 'order']]);
  });

  it('make a time the clocks skipped a problem of its line', async () => {
    const { events, issues } = await collect(readCsvSource(chunks(eventViewerCsv(['3/29/2026 3:10:00 AM', '3/29/2026 2:30:00 AM', '3/29/2026 1:50:00 AM']), 4096), berlin));
    expect(events).toHaveLength(2);
    // the header is line 1, each row three lines (the quoted description): the second row starts on line 5
    expect(issues).toEqual([expect.objectContaining({ line: 5, reason: expect.stringMatching(/time "3\/29\/2026 2:30:00 AM" does not exist in Europe\/Berlin/) })]);
  });
});
