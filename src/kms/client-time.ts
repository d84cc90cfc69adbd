/**
 * The client time of event 12290 field [5]: `yyyy/M/d H:mm` (no padding, no seconds), which scripts
 * and MS-F074 treat as UTC. Padded digits (`2010/09/29 17:52`, as clients write it in 12288) and
 * optional seconds are accepted too. Returns epoch ms UTC, or null when the text is not such a time.
 *
 * Hand-written scanner rather than a regex: it runs once per request on the ingest hot path.
 */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** End position of the last readDigits call (module state keeps the hot path allocation-free). */
let scanEnd = 0;

/** Reads up to maxDigits decimal digits at pos; -1 when fewer than minDigits. */
function readDigits(s: string, pos: number, minDigits: number, maxDigits: number): number {
  let value = 0;
  let i = pos;
  while (i < s.length && i - pos < maxDigits) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
    i++;
  }
  scanEnd = i;
  return i - pos < minDigits ? -1 : value;
}

export function parseClientTime(text: string): number | null {
  const s = text.trim();
  const year = readDigits(s, 0, 4, 4);
  if (year < 0 || s[scanEnd] !== '/') return null;
  const month = readDigits(s, scanEnd + 1, 1, 2);
  if (month < 1 || month > 12 || s[scanEnd] !== '/') return null;
  const day = readDigits(s, scanEnd + 1, 1, 2);
  if (day < 1 || (s[scanEnd] !== ' ' && s[scanEnd] !== 'T')) return null;
  const hour = readDigits(s, scanEnd + 1, 1, 2);
  if (hour < 0 || hour > 23 || s[scanEnd] !== ':') return null;
  const minute = readDigits(s, scanEnd + 1, 2, 2);
  if (minute < 0 || minute > 59) return null;
  let second = 0;
  if (s[scanEnd] === ':') {
    second = readDigits(s, scanEnd + 1, 2, 2);
    if (second < 0 || second > 59) return null;
  }
  if (scanEnd !== s.length) return null;
  const monthDays = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day > monthDays) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}
