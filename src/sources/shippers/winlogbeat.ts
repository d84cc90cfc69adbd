/**
 * Winlogbeat NDJSON (formats.md §3.1). ECS versions nest everything under `winlog`; 6.x and older
 * wrote the same names at the top level (`event_data`, `computer_name`, `record_number`, `log_name`).
 * Unnamed `<Data>` become `param<position+1>` and an empty value is skipped, so positions are rebuilt
 * from the numbers: a missing paramN is '' at index N-1.
 */
import { splitEventId, toInteger } from '../event-id.js';
import {
  dataValue, field, hasAny, isObject, objectField, origin, textField, timeField, withOptional,
  type JsonObject, type MapContext, type MapResult, type ShipperMapper,
} from './common.js';

const PARAM_RE = /^param(\d{1,4})$/;

/**
 * event_data → insertion strings in position order. Named keys (other events; Go writes map keys
 * sorted, so their original positions are unknown) fill the gaps in key order, the rest follow.
 * For 12290 (all unnamed) a gap is always a dropped empty value: ''.
 */
export function winlogbeatData(eventData: JsonObject | undefined): string[] {
  if (!eventData) return [];
  const data: string[] = [];
  const named: string[] = [];
  for (const [key, value] of Object.entries(eventData)) {
    if (key === 'Binary') continue;
    const m = PARAM_RE.exec(key);
    if (m && Number(m[1]) >= 1) data[Number(m[1]) - 1] = dataValue(value);
    else named.push(dataValue(value));
  }
  for (let i = 0; i < data.length; i++) {
    if (data[i] === undefined) data[i] = named.length > 0 ? (named.shift() as string) : '';
  }
  return [...data, ...named];
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
    const time = stamp !== undefined ? timeField(stamp, 'UTC', '@timestamp') : timeField(textField(w, 'time_created'), ctx.opts.timezone, 'winlog.time_created');
    if (typeof time === 'string') return time;
    const host = textField(w, 'computer_name') ?? textField(objectField(obj, 'host'), 'name') ?? ctx.opts.host ?? '';
    return withOptional(
      {
        ...splitEventId(rawId),
        channel: textField(w, 'channel') ?? textField(w, 'log_name') ?? ctx.opts.channel ?? '',
        host,
        time,
        data: winlogbeatData(objectField(w, 'event_data')),
        origin: origin(ctx, 'winlogbeat'),
      },
      {
        provider: textField(w, 'provider_name') ?? textField(w, 'source_name'),
        recordId: toInteger(field(w, 'record_id') ?? field(w, 'record_number')),
        message: textField(obj, 'message'),
      },
    );
  },
};
