/**
 * OpenWEC `json` format (formats.md §3.4, cea-sec/openwec doc/formats.md): `System.{EventID,
 * EventIDQualifiers, TimeCreated (RFC 3339), EventRecordID, Channel, Computer, Provider.Name}`,
 * `EventData` (named keys + `Data: [unnamed…]` + `Binary`), `RenderingInfo.Message`.
 * Also `raw_json`: `{ meta, data: "<Event …>" }`.
 */
import { splitEventId, toInteger } from '../event-id.js';
import {
  dataValue, field, isObject, objectField, origin, textField, timeField, withOptional,
  type JsonObject, type MapContext, type MapResult, type ShipperMapper,
} from './common.js';
import { mapEmbeddedXml } from './embedded-xml.js';

/** Named values first (in key order), then the unnamed `Data` array; `Binary` ignored. */
function eventData(ed: JsonObject | undefined): string[] {
  if (!ed) return [];
  const named: string[] = [];
  let unnamed: string[] = [];
  for (const [key, value] of Object.entries(ed)) {
    if (key === 'Binary') continue;
    if (key === 'Data') unnamed = Array.isArray(value) ? value.map(dataValue) : [dataValue(value)];
    else named.push(dataValue(value));
  }
  return [...named, ...unnamed];
}

export const openwec: ShipperMapper = {
  format: 'openwec',
  matches(obj) {
    return isObject(field(obj, 'System')) || (isObject(field(obj, 'meta')) && typeof field(obj, 'data') === 'string');
  },
  map(obj: JsonObject, ctx: MapContext): MapResult {
    const raw = field(obj, 'data');
    if (typeof raw === 'string' && !isObject(field(obj, 'System'))) return mapEmbeddedXml(raw, ctx, 'openwec');
    const system = objectField(obj, 'System') as JsonObject;
    const idText = textField(system, 'EventID');
    const rawId = toInteger(idText);
    if (rawId === undefined) return idText === undefined ? 'no System.EventID' : `bad System.EventID "${idText}"`;
    const time = timeField(textField(system, 'TimeCreated'), 'UTC', 'System.TimeCreated');
    if (typeof time === 'string') return time;
    return withOptional(
      {
        ...splitEventId(rawId, toInteger(field(system, 'EventIDQualifiers'))),
        channel: textField(system, 'Channel') ?? ctx.opts.channel ?? '',
        host: textField(system, 'Computer') ?? ctx.opts.host ?? '',
        time,
        data: eventData(objectField(obj, 'EventData')),
        origin: origin(ctx, 'openwec'),
      },
      {
        provider: textField(objectField(system, 'Provider'), 'Name'),
        recordId: toInteger(field(system, 'EventRecordID')),
        message: textField(objectField(obj, 'RenderingInfo'), 'Message'),
      },
    );
  },
};
