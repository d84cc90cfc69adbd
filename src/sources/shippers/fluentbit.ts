/**
 * Fluent Bit JSON (formats.md §3.2): `in_winevtlog` (EventID, EventRecordID, TimeCreated local with
 * "+ZZZZ", Computer, Channel, ProviderName, Qualifiers, StringInserts) and the legacy `in_winlog`
 * (RecordNumber, TimeGenerated, ComputerName, SourceName, EventID + Qualifiers). StringInserts are
 * typed (ints stay numbers) and only present with `String_Inserts` on: absent → data null.
 * With `Render_Event_As_XML` the System part arrives as an XML string.
 */
import { splitEventId, toInteger } from '../event-id.js';
import {
  dataValue, field, hasAny, origin, textField, eventTimeField, withOptional, withTime,
  type JsonObject, type MapContext, type MapResult, type ShipperMapper,
} from './common.js';
import { mapEmbeddedXml } from './embedded-xml.js';

function inserts(obj: JsonObject): string[] | null {
  const v = field(obj, 'StringInserts');
  return Array.isArray(v) ? v.map(dataValue) : null;
}

export const fluentbit: ShipperMapper = {
  format: 'fluentbit',
  matches(obj) {
    return (
      hasAny(obj, ['StringInserts']) ||
      (hasAny(obj, ['TimeCreated']) && hasAny(obj, ['Computer']) && hasAny(obj, ['EventRecordID'])) ||
      (hasAny(obj, ['TimeGenerated']) && hasAny(obj, ['ComputerName']) && hasAny(obj, ['RecordNumber']))
    );
  },
  map(obj: JsonObject, ctx: MapContext): MapResult {
    const system = field(obj, 'System');
    if (typeof system === 'string') {
      const ev = mapEmbeddedXml(`<Event>${system}</Event>`, ctx, 'fluentbit');
      if (typeof ev === 'string') return ev;
      ev.data = inserts(obj);
      const message = textField(obj, 'Message');
      if (message !== undefined) ev.message = message;
      return ev;
    }
    const idText = textField(obj, 'EventID');
    const rawId = toInteger(idText);
    if (rawId === undefined) return idText === undefined ? 'no EventID' : `bad EventID "${idText}"`;
    const legacy = !hasAny(obj, ['TimeCreated']) && hasAny(obj, ['TimeGenerated']);
    const time = legacy
      ? eventTimeField(textField(obj, 'TimeGenerated'), ctx.opts.timezone, 'TimeGenerated')
      : eventTimeField(textField(obj, 'TimeCreated'), ctx.opts.timezone, 'TimeCreated');
    if (typeof time === 'string') return time;
    return withTime(withOptional(
      {
        ...splitEventId(rawId, toInteger(field(obj, 'Qualifiers'))),
        channel: textField(obj, 'Channel') ?? ctx.opts.channel ?? '',
        host: textField(obj, 'Computer') ?? textField(obj, 'ComputerName') ?? ctx.opts.host ?? '',
        time: time.time,
        data: inserts(obj),
        origin: origin(ctx, 'fluentbit'),
      },
      {
        provider: textField(obj, 'ProviderName') ?? textField(obj, 'SourceName'),
        recordId: toInteger(field(obj, 'EventRecordID') ?? field(obj, 'RecordNumber')),
        message: textField(obj, 'Message'),
      },
    ), time);
  },
};
