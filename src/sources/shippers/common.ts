/**
 * Shared helpers for the JSON shipper mappers: each mapper turns one parsed JSON object into a
 * RawEvent, or returns the reason it cannot (a string), and never throws.
 */
import { readEventTime, setEventTime, type EventTime } from '../time.js';
import type { InputFormat, RawEvent, ReadOptions } from '../types.js';

export type JsonObject = Record<string, unknown>;

export interface MapContext {
  opts: ReadOptions;
  line: number;
  index: number;
}

export type MapResult = RawEvent | string;

export interface ShipperMapper {
  format: InputFormat;
  /** true when the object has this shipper's keys. */
  matches(obj: JsonObject): boolean;
  map(obj: JsonObject, ctx: MapContext): MapResult;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own property only (a key named `__proto__` or `constructor` in the input is just data). */
export function field(obj: JsonObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function objectField(obj: JsonObject, key: string): JsonObject | undefined {
  const v = field(obj, key);
  return isObject(v) ? v : undefined;
}

/** A string field, numbers written as text; undefined for anything else. */
export function textField(obj: JsonObject | undefined, key: string): string | undefined {
  if (!obj) return undefined;
  const v = field(obj, key);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** One insertion string as text: numbers and booleans written out, null → '', objects as JSON. */
export function dataValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

export function hasAny(obj: JsonObject, keys: readonly string[]): boolean {
  return keys.some((k) => Object.prototype.hasOwnProperty.call(obj, k));
}

export function origin(ctx: MapContext, format: InputFormat): RawEvent['origin'] {
  return { file: ctx.opts.file, format, line: ctx.line, index: ctx.index };
}

/** Adds the optional fields that are present. */
export function withOptional(ev: RawEvent, extra: { provider?: string; recordId?: number; message?: string; qualifiers?: number }): RawEvent {
  if (extra.qualifiers !== undefined && ev.qualifiers === undefined) ev.qualifiers = extra.qualifiers;
  if (extra.provider !== undefined) ev.provider = extra.provider;
  if (extra.recordId !== undefined) ev.recordId = extra.recordId;
  if (extra.message !== undefined) ev.message = extra.message;
  return ev;
}

/** Epoch ms of a time field, or the reason it cannot be read. */
export function timeField(text: string | undefined, timezone: string, name: string): number | string {
  const t = eventTimeField(text, timezone, name);
  return typeof t === 'string' ? t : t.time;
}

/** The same with whether it was read as wall-clock time in the zone (setEventTime puts it on the event). */
export function eventTimeField(text: string | undefined, timezone: string, name: string): EventTime | string {
  if (text === undefined) return `no ${name}`;
  const t = readEventTime(text, timezone);
  return t === null ? `bad ${name} "${text}"` : t;
}

/** The event with its time read by eventTimeField (the zone it was read in, both instants of an ambiguous one). */
export function withTime(ev: RawEvent, t: EventTime): RawEvent {
  setEventTime(ev, t);
  return ev;
}
