/**
 * Classic event ids (Get-EventLog `InstanceId`, message ids) carry severity and facility bits above
 * the 16-bit event id: 1073754114 = 0x40003002 → event 12290 with qualifiers 0x4000 = 16384.
 */
export interface SplitEventId {
  eventId: number;
  qualifiers?: number;
}

export function splitEventId(raw: number, qualifiers?: number): SplitEventId {
  const eventId = raw & 0xffff;
  const high = Math.floor(raw / 0x10000) & 0xffff;
  if (high !== 0) return { eventId, qualifiers: high };
  return qualifiers === undefined ? { eventId } : { eventId, qualifiers };
}

/** A non-negative integer from a number or a decimal string; undefined otherwise. */
export function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string') {
    const s = value.trim();
    if (/^\d{1,16}$/.test(s)) return Number(s);
    if (/^0x[0-9a-f]{1,13}$/i.test(s)) return Number.parseInt(s.slice(2), 16);
  }
  return undefined;
}
