/**
 * Classic event ids (Get-EventLog `InstanceId`, message ids) carry severity and facility bits above
 * the 16-bit event id: 1073754114 = 0x40003002 → event 12290 with qualifiers 0x4000 = 16384.
 */
export interface SplitEventId {
  eventId: number;
  qualifiers?: number;
}

export function splitEventId(raw: number, qualifiers?: number): SplitEventId {
  return splitEventIdInto(raw, qualifiers, { eventId: 0 });
}

/** splitEventId writing into `target` (readers build the RawEvent in one object). */
export function splitEventIdInto<T extends SplitEventId>(raw: number, qualifiers: number | undefined, target: T): T {
  target.eventId = raw & 0xffff;
  const high = Math.floor(raw / 0x10000) & 0xffff;
  if (high !== 0) target.qualifiers = high;
  else if (qualifiers !== undefined) target.qualifiers = qualifiers;
  return target;
}

const HEX_RE = /^0x[0-9a-f]{1,13}$/i;

/** Value of s when it is 1-16 decimal digits, else -1 (a character loop: runs per event field). */
function decimalDigits(s: string): number {
  const n = s.length;
  if (n === 0 || n > 16) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  // Beyond 2^53 the running product rounds differently from Number(s): let Number decide.
  return n > 15 ? Number(s) : value;
}

/** A non-negative integer from a number or a decimal string; undefined otherwise. */
export function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string') {
    const s = value.trim();
    const n = decimalDigits(s);
    if (n >= 0) return n;
    if (HEX_RE.test(s)) return Number.parseInt(s.slice(2), 16);
  }
  return undefined;
}
