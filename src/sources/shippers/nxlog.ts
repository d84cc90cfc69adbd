/**
 * NXLog `im_msvistalog` + `to_json()` and OpenWEC's NXLog-compatible format (formats.md §3.3):
 * EventID, RecordNumber, EventTime (local "YYYY-MM-DD HH:MM:SS" without zone, or ISO with offset),
 * Hostname, Channel, SourceName, Message; unnamed Data as a `Data` array. `Keywords` may be a 64-bit
 * decimal that JSON.parse rounds: it is not used.
 */
import { toInteger, splitEventId } from '../event-id.js';
import {
  dataValue, field, hasAny, origin, textField, eventTimeField, withOptional, withTime,
  type JsonObject, type MapContext, type MapResult, type ShipperMapper,
} from './common.js';

export const nxlog: ShipperMapper = {
  format: 'nxlog',
  matches(obj) {
    return hasAny(obj, ['EventTime']) && hasAny(obj, ['Hostname', 'SourceModuleType', 'EventReceivedTime']);
  },
  map(obj: JsonObject, ctx: MapContext): MapResult {
    const idText = textField(obj, 'EventID');
    const rawId = toInteger(idText);
    if (rawId === undefined) return idText === undefined ? 'no EventID' : `bad EventID "${idText}"`;
    const time = eventTimeField(textField(obj, 'EventTime'), ctx.opts.timezone, 'EventTime');
    if (typeof time === 'string') return time;
    const data = field(obj, 'Data');
    return withTime(withOptional(
      {
        ...splitEventId(rawId),
        channel: textField(obj, 'Channel') ?? ctx.opts.channel ?? '',
        host: textField(obj, 'Hostname') ?? ctx.opts.host ?? '',
        time: time.time,
        // Without a Data array the insertion strings are not in the record: decode from Message.
        data: Array.isArray(data) ? data.map(dataValue) : null,
        origin: origin(ctx, 'nxlog'),
      },
      {
        provider: textField(obj, 'SourceName'),
        recordId: toInteger(field(obj, 'RecordNumber')),
        message: textField(obj, 'Message'),
      },
    ), time);
  },
};
