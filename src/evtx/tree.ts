/** The record model every consumer reads: elements, attributes, text. */

export interface XmlElement {
  type: 'element';
  name: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
}

export interface XmlAttribute {
  name: string;
  value: string;
  /** BinXML value type the text came from (0x01 for literal text); drives JSON typing. */
  valueType: number;
}

export interface XmlText {
  type: 'text';
  text: string;
  /** BinXML value type the text came from (0x01 for literal text). */
  valueType: number;
}

export interface XmlPi {
  type: 'pi';
  target: string;
  data: string;
}

export type XmlNode = XmlElement | XmlText | XmlPi;

/** First child element with this name. */
export function childElement(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (c.type === 'element' && c.name === name) return c;
  return undefined;
}

/** Concatenated text content of an element (direct text children only). */
export function textOf(el: XmlElement | undefined): string {
  if (!el) return '';
  let s = '';
  for (const c of el.children) if (c.type === 'text') s += c.text;
  return s;
}

export function attributeOf(el: XmlElement | undefined, name: string): string | undefined {
  if (!el) return undefined;
  for (const a of el.attributes) if (a.name === name) return a.value;
  return undefined;
}
