/**
 * Template definitions the writer emits, as small trees: literal text, typed substitutions and
 * elements. Layout mirrors what Windows writes for classic events (System template with literal
 * provider, channel and computer; nested EventData template holding one string array), or, for
 * events with named fields, an EventData template with one typed substitution per <Data Name>.
 */
import type { EvtxDataField } from './types.js';

export const VALUE_TYPE = {
  Null: 0x00,
  String: 0x01,
  UInt8: 0x04,
  UInt16: 0x06,
  UInt32: 0x08,
  UInt64: 0x0a,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  FileTime: 0x11,
  Sid: 0x13,
  HexInt64: 0x15,
  BinXml: 0x21,
  StringArray: 0x81,
} as const;

export type TemplateValue = { text: string } | { sub: number; type: number };

export interface TemplateElement {
  name: string;
  attrs?: { name: string; value: TemplateValue }[];
  content?: (TemplateElement | TemplateValue)[];
  /** Substitution index whose NULL value removes this element (BinXML dependency id). */
  dependency?: number;
}

export function isElement(node: TemplateElement | TemplateValue): node is TemplateElement {
  return (node as TemplateElement).name !== undefined;
}

/** Substitution indexes of the System template (values are written in this order). */
export const SYS = {
  level: 0,
  opcode: 1,
  task: 2,
  eventId: 3,
  qualifiers: 4,
  keywords: 5,
  timeCreated: 6,
  activityId: 7,
  processId: 8,
  threadId: 9,
  recordId: 10,
  version: 11,
  userId: 12,
  relatedActivityId: 13,
  eventData: 14,
} as const;
export const SYSTEM_VALUE_COUNT = 15;

/** Substitution indexes of the nested EventData template. */
export const DATA = { strings: 0, binary: 1 } as const;
export const DATA_VALUE_COUNT = 2;

export const EVENT_NAMESPACE = 'http://schemas.microsoft.com/win/2004/08/events/event';

const sub = (index: number, type: number): TemplateValue => ({ sub: index, type });

export interface SystemLiterals {
  provider: string;
  providerGuid?: string;
  eventSourceName?: string;
  channel: string;
  computer: string;
}

/** The outer template: one per distinct (provider, guid, source, channel, computer), as Windows does. */
export function systemTemplate(lit: SystemLiterals): TemplateElement {
  const providerAttrs: { name: string; value: TemplateValue }[] = [{ name: 'Name', value: { text: lit.provider } }];
  if (lit.providerGuid) providerAttrs.push({ name: 'Guid', value: { text: lit.providerGuid } });
  if (lit.eventSourceName) providerAttrs.push({ name: 'EventSourceName', value: { text: lit.eventSourceName } });
  const T = VALUE_TYPE;
  return {
    name: 'Event',
    attrs: [{ name: 'xmlns', value: { text: EVENT_NAMESPACE } }],
    content: [
      {
        name: 'System',
        content: [
          { name: 'Provider', attrs: providerAttrs },
          { name: 'EventID', attrs: [{ name: 'Qualifiers', value: sub(SYS.qualifiers, T.UInt16) }], content: [sub(SYS.eventId, T.UInt16)] },
          { name: 'Version', content: [sub(SYS.version, T.UInt8)] },
          { name: 'Level', content: [sub(SYS.level, T.UInt8)] },
          { name: 'Task', content: [sub(SYS.task, T.UInt16)] },
          { name: 'Opcode', content: [sub(SYS.opcode, T.UInt8)] },
          { name: 'Keywords', content: [sub(SYS.keywords, T.HexInt64)] },
          { name: 'TimeCreated', attrs: [{ name: 'SystemTime', value: sub(SYS.timeCreated, T.FileTime) }] },
          { name: 'EventRecordID', content: [sub(SYS.recordId, T.UInt64)] },
          {
            name: 'Correlation',
            attrs: [
              { name: 'ActivityID', value: sub(SYS.activityId, T.Guid) },
              { name: 'RelatedActivityID', value: sub(SYS.relatedActivityId, T.Guid) },
            ],
          },
          {
            name: 'Execution',
            attrs: [
              { name: 'ProcessID', value: sub(SYS.processId, T.UInt32) },
              { name: 'ThreadID', value: sub(SYS.threadId, T.UInt32) },
            ],
          },
          { name: 'Channel', content: [{ text: lit.channel }] },
          { name: 'Computer', content: [{ text: lit.computer }] },
          { name: 'Security', attrs: [{ name: 'UserID', value: sub(SYS.userId, T.Sid) }] },
        ],
      },
      sub(SYS.eventData, T.BinXml),
    ],
  };
}

/** The nested template of classic events: `<EventData><Data>%0</Data><Binary>%1</Binary></EventData>`. */
export function eventDataTemplate(): TemplateElement {
  return {
    name: 'EventData',
    content: [
      { name: 'Data', content: [sub(DATA.strings, VALUE_TYPE.StringArray)] },
      { name: 'Binary', dependency: DATA.binary, content: [sub(DATA.binary, VALUE_TYPE.Binary)] },
    ],
  };
}

/** BinXML value type of each EvtxDataField type. */
export const FIELD_VALUE_TYPE: Readonly<Record<EvtxDataField['type'], number>> = {
  string: VALUE_TYPE.String,
  uint32: VALUE_TYPE.UInt32,
  real64: VALUE_TYPE.Real64,
  boolean: VALUE_TYPE.Bool,
};

/** The nested template of an event with named fields: `<EventData><Data Name="a">%0</Data>…</EventData>`, one substitution per field. */
export function namedDataTemplate(fields: readonly Pick<EvtxDataField, 'name' | 'type'>[]): TemplateElement {
  return {
    name: 'EventData',
    content: fields.map((f, i) => ({
      name: 'Data',
      attrs: [{ name: 'Name', value: { text: f.name } }],
      content: [sub(i, FIELD_VALUE_TYPE[f.type])],
    })),
  };
}

/** Deterministic 16-byte GUID for a template key (FNV-1a, four lanes), so equal templates get equal ids. */
export function templateGuid(key: string): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  for (let lane = 0; lane < 4; lane++) {
    let h = (0x811c9dc5 ^ Math.imul(lane + 1, 0x9e3779b1)) >>> 0;
    for (let i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d) >>> 0;
    h ^= h >>> 12;
    view.setUint32(lane * 4, h >>> 0, true);
  }
  return out;
}
