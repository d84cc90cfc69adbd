/**
 * Winlogbeat NDJSON (formats.md §3.1). ECS versions nest everything under `winlog`; 6.x and older
 * wrote the same names at the top level (`event_data`, `computer_name`, `record_number`, `log_name`).
 * Unnamed `<Data>` become `param<position+1>` and an empty value is skipped, so positions are rebuilt
 * from the numbers: a missing paramN is '' at index N-1.
 */
import { splitEventIdInto, toInteger } from '../event-id.js';
import type { RawEvent } from '../types.js';
import {
  dataValue, field, hasAny, isObject, objectField, origin, textField, timeField, eventTimeField, withTime,
  type JsonObject, type MapContext, type MapResult, type ShipperMapper,
} from './common.js';

/** N of a `paramN` key (1-4 digits), else -1. A character loop: runs for every key of every event. */
function paramNumber(key: string): number {
  const n = key.length;
  if (n < 6 || n > 9 || !key.startsWith('param')) return -1;
  let value = 0;
  for (let i = 5; i < n; i++) {
    const d = key.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * event_data → insertion strings in position order. Named keys (other events; Go writes map keys
 * sorted, so their original positions are unknown) fill the gaps in key order, the rest follow.
 * For 12290 (all unnamed) a gap is always a dropped empty value: ''.
 */
export function winlogbeatData(eventData: JsonObject | undefined): string[] {
  if (!eventData) return [];
  const data: string[] = [];
  let named: string[] | null = null;
  for (const key of Object.keys(eventData)) {
    if (key === 'Binary') continue;
    const position = paramNumber(key);
    if (position >= 1) data[position - 1] = dataValue(eventData[key]);
    else (named ??= []).push(dataValue(eventData[key]));
  }
  let next = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === undefined) data[i] = named !== null && next < named.length ? named[next++] : '';
  }
  if (named === null || next === named.length) return data;
  for (; next < named.length; next++) data.push(named[next]);
  return data;
}

export const winlogbeat: ShipperMapper = {
  format: 'winlogbeat',
  matches(obj) {
    return isObject(field(obj, 'winlog')) || (hasAny(obj, ['@timestamp']) && hasAny(obj, ['event_data', 'computer_name', 'record_number']));
  },
  map(obj: JsonObject, ctx: MapContext): MapResult {
    const w = objectField(obj, 'winlog') ?? obj;
    const idText = textField(w, 'event_id') ?? textField(objectField(obj, 'event'), 'code');
    const rawId = toInteger(idText);
    if (rawId === undefined) return idText === undefined ? 'no winlog.event_id' : `bad winlog.event_id "${idText}"`;
    const stamp = textField(obj, '@timestamp');
    const time = stamp !== undefined ? timeField(stamp, 'UTC', '@timestamp') : eventTimeField(textField(w, 'time_created'), ctx.opts.timezone, 'winlog.time_created');
    if (typeof time === 'string') return time;
    const ev: RawEvent = splitEventIdInto(rawId, undefined, {
      eventId: 0,
      channel: textField(w, 'channel') ?? textField(w, 'log_name') ?? ctx.opts.channel ?? '',
      host: textField(w, 'computer_name') ?? textField(objectField(obj, 'host'), 'name') ?? ctx.opts.host ?? '',
      time: typeof time === 'number' ? time : time.time,
      data: winlogbeatData(objectField(w, 'event_data')),
      origin: origin(ctx, 'winlogbeat'),
    });
    const provider = textField(w, 'provider_name') ?? textField(w, 'source_name');
    if (provider !== undefined) ev.provider = provider;
    const recordId = toInteger(field(w, 'record_id') ?? field(w, 'record_number'));
    if (recordId !== undefined) ev.recordId = recordId;
    const message = textField(obj, 'message');
    if (message !== undefined) ev.message = message;
    return typeof time === 'number' ? ev : withTime(ev, time);
  },
};
