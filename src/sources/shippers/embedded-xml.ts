/** Shippers that carry the event (or its System part) as an XML string: parsed like the XML reader. */
import { parseEventXml, xmlFieldsToEvent } from '../xml.js';
import type { InputFormat } from '../types.js';
import type { MapContext, MapResult } from './common.js';

export function mapEmbeddedXml(xml: string, ctx: MapContext, format: InputFormat): MapResult {
  let fields;
  try {
    fields = parseEventXml(xml);
  } catch (err) {
    return `malformed embedded event XML: ${(err as Error).message}`;
  }
  const ev = xmlFieldsToEvent(fields, ctx.opts, ctx.line, ctx.index);
  if (typeof ev !== 'string') ev.origin.format = format;
  return ev;
}
