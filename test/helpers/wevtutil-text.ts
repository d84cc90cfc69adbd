/** Writes events as `wevtutil qe <log> /f:text` prints them (layout: test/sources/wevtutil-text.test.ts, its sources). */
export interface WevtutilTextEvent {
  channel: string;
  provider: string;
  eventId: number;
  computer: string;
  message: string;
}

/** One block per event, numbered from 0, the description last, CRLF line ends; `date` renders the Date line. */
export function wevtutilTextBlocks<E extends WevtutilTextEvent>(events: readonly E[], date: (e: E) => string): string {
  return events
    .map((e, i) =>
      [
        `Event[${i}]:`,
        `  Log Name: ${e.channel}`,
        `  Source: ${e.provider}`,
        `  Date: ${date(e)}`,
        `  Event ID: ${e.eventId}`,
        '  Task: N/A',
        '  Level: Information',
        '  Opcode: N/A',
        '  Keyword: Classic',
        '  User: N/A',
        '  User Name: N/A',
        `  Computer: ${e.computer}`,
        '  Description:',
        e.message.replace(/\r?\n/g, '\r\n'),
        '',
      ].join('\r\n'),
    )
    .join('\r\n');
}
