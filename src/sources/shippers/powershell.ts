/**
 * PowerShell JSON (formats.md §3.5):
 * - `Get-WinEvent | ConvertTo-Json`: Id, Qualifiers, RecordId, ProviderName, LogName, MachineName,
 *   TimeCreated, Message, Properties. At the default depth Properties are type-name strings
 *   ("System.Diagnostics.Eventing.Reader.EventProperty"): the payload is lost → data null, Message kept;
 *   with a larger depth they are `{ "Value": … }` objects;
 * - the documented select `RecordId, TimeCreated, MachineName, Id, @{n='Data';e={$_.Properties.Value}}`
 *   (a single value serialises as a scalar, not an array);
 * - `Get-EventLog | ConvertTo-Json`: EventID, InstanceId, Index, TimeGenerated, MachineName, Source,
 *   ReplacementStrings, Message.
 * Dates: PS 5.1 `/Date(ms)/` (UTC ms), PS 7 ISO 8601 with offset, or `{ value, DateTime }` objects
 * when the date carried extra type data.
 */
import { splitEventId, toInteger } from '../event-id.js';
import {
  dataValue, field, hasAny, isObject, origin, textField, eventTimeField, withOptional, withTime,
  type JsonObject, type MapContext, type MapResult, type ShipperMapper,
} from './common.js';

/** A serialised .NET value: `{ "Guid": … }` or `{ "value": … }` wrappers unwrapped. */
function psValue(v: unknown): string {
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1) return dataValue(v[keys[0]]);
    if (Object.prototype.hasOwnProperty.call(v, 'value')) return dataValue(v.value);
  }
  return dataValue(v);
}

/** ReplacementStrings (Get-EventLog; its `Data` is binary), else Properties, else the select's Data. */
function psData(obj: JsonObject): string[] | null {
  const strings = field(obj, 'ReplacementStrings');
  if (hasAny(obj, ['ReplacementStrings'])) return Array.isArray(strings) ? strings.map(psValue) : null;
  const props = field(obj, 'Properties');
  if (Array.isArray(props)) {
    // Type-name strings mean ConvertTo-Json stopped at its depth limit: the values are gone.
    if (props.some((p) => !isObject(p) || !Object.prototype.hasOwnProperty.call(p, 'Value'))) return null;
    return props.map((p) => psValue((p as JsonObject).Value));
  }
  const data = field(obj, 'Data');
  if (data === undefined || data === null) return null;
  return Array.isArray(data) ? data.map(psValue) : [psValue(data)];
}

function psTime(obj: JsonObject, key: string): string | undefined {
  const v = field(obj, key);
  if (isObject(v)) return textField(v, 'value') ?? textField(v, 'DateTime');
  return textField(obj, key);
}

export const powershell: ShipperMapper = {
  format: 'psjson',
  matches(obj) {
    return hasAny(obj, ['MachineName', 'RecordId', 'ReplacementStrings', 'InstanceId']) || (hasAny(obj, ['Id']) && hasAny(obj, ['TimeCreated']));
  },
  map(obj: JsonObject, ctx: MapContext): MapResult {
    const instanceId = toInteger(field(obj, 'InstanceId'));
    const idText = textField(obj, 'Id') ?? textField(obj, 'EventID');
    const rawId = instanceId ?? toInteger(idText);
    if (rawId === undefined) return idText === undefined ? 'no Id / EventID / InstanceId' : `bad Id "${idText}"`;
    const timeKey = hasAny(obj, ['TimeCreated']) ? 'TimeCreated' : 'TimeGenerated';
    const time = eventTimeField(psTime(obj, timeKey), ctx.opts.timezone, timeKey);
    if (typeof time === 'string') return time;
    return withTime(withOptional(
      {
        ...splitEventId(rawId, toInteger(field(obj, 'Qualifiers'))),
        channel: textField(obj, 'LogName') ?? textField(obj, 'ContainerLog') ?? ctx.opts.channel ?? '',
        host: textField(obj, 'MachineName') ?? ctx.opts.host ?? '',
        time: time.time,
        data: psData(obj),
        origin: origin(ctx, 'psjson'),
      },
      {
        provider: textField(obj, 'ProviderName') ?? textField(obj, 'Source'),
        recordId: toInteger(field(obj, 'RecordId') ?? field(obj, 'Index')),
        message: textField(obj, 'Message'),
      },
    ), time);
  },
};
