/**
 * Intermediate form of parsed BinXML: what a template definition (or a template-less fragment)
 * says, with substitutions still open. Compiled once per distinct template and filled per record.
 */
import type { ShapePrograms } from '../render/shape-programs.js';

export const IR_ELEMENT = 1;
export const IR_TEXT = 2;
export const IR_SUBST = 3;
export const IR_PI = 4;

export interface IrElement {
  k: typeof IR_ELEMENT;
  name: string;
  /** Substitution index the element depends on (template definitions only); -1 = none. */
  dep: number;
  attrs: IrAttribute[];
  children: IrNode[];
  /** Render plan filled on first use by render/compiled-*.ts (shared with every later record). */
  plan?: ElementPlan;
}

/** Precomputed output pieces of an element; `fixed*` set when nothing in it depends on values. */
export interface ElementPlan {
  fixed: boolean;
  xmlOpen: string;
  xmlClose: string;
  /** ` name="` per attribute (XML), in order. */
  xmlAttrOpen: string[];
  /** `"name":` per attribute (JSON), in order. */
  jsonAttrKeys: string[];
  /**
   * Set for the common shape "literal attributes only + exactly one substitution as content"
   * (`<EventID>%3</EventID>`, `<Data Name="X">%7</Data>`): the pieces around the value.
   */
  single?: SinglePlan;
  fixedXml?: string;
  /** `"name":` as a JSON member key. */
  jsonMemberKey?: string;
  fixedJsonKeys?: string[];
  fixedJsonMemberKeys?: string[];
  fixedJsonVals?: string[];
}

export interface IrAttribute {
  name: string;
  parts: IrValuePart[];
}

export interface IrText {
  k: typeof IR_TEXT;
  text: string;
}

export interface IrSubst {
  k: typeof IR_SUBST;
  index: number;
  optional: boolean;
  /** Type declared in the template (the record's descriptor type wins). */
  declared: number;
}

export interface IrPi {
  k: typeof IR_PI;
  target: string;
  data: string;
}

export type IrValuePart = IrText | IrSubst;
export type IrNode = IrElement | IrText | IrSubst | IrPi;

/** A compiled template definition. */
export interface CompiledTemplate {
  /** Unique within its TemplateCache (part of the byte renderer's record shape keys). */
  id: number;
  guid: string;
  guidBytes: Uint8Array;
  /** Root nodes of the definition (normally one element). */
  nodes: IrNode[];
  /** The definition's bytes, to tell apart templates sharing a GUID. */
  bytes: Uint8Array;
  bytesView: DataView;
  /** Its position-dependent fields and the names they point at (template-match.ts). */
  relocs: Int32Array;
  relocNames: string[];
  /** Byte-render programs of the shapes met so far, by format and role (render/shape-programs.ts). */
  programs?: ShapePrograms[];
  /** Its nodes and how often it uses each substitution, on first need (expansion.ts). */
  weight?: TemplateWeight;
}

/** What a template adds to a record's expanded size: its own nodes, and each value as often as it is used. */
export interface TemplateWeight {
  nodes: number;
  /** uses[i]: how many places substitution i appears in (elements, text, attribute values). */
  uses: Int32Array;
  /** The sum and the largest of `uses`. */
  totalUses: number;
  maxUses: number;
}

export interface SinglePlan {
  subst: IrSubst;
  /** `<Name a="v"` with the kept (non-empty) literal attributes. */
  xmlStart: string;
  /** Kept attributes: their names, values (types are String). */
  attrNames: string[];
  attrValues: string[];
  /** `"#attributes":{...}` for them, or '' when none is kept. */
  jsonAttrs: string;
  /** 1: `<Data Name="literal">`, 2: `<Data>` without attributes, 0: anything else. */
  dataKind: number;
  /** Member key text for the parent object (`"X":`, or the unnamed-Data opening). */
  memberKey: string;
  /** The entry's raw key, for grouping repeated names. */
  rawKey: string;
}

/** Values of one template instance, still as descriptors into the chunk bytes. */
export interface InstanceValues {
  types: number[];
  offsets: number[];
  sizes: number[];
  /** Parsed nested fragments for BinXml (0x21) values, by index. */
  nested: Array<Fragment[] | undefined> | null;
}

export interface TemplateInstance {
  kind: 'instance';
  template: CompiledTemplate;
  values: InstanceValues;
}

export interface PlainTree {
  kind: 'tree';
  nodes: IrNode[];
}

/** One fragment of a record (or of a nested BinXml value). */
export type Fragment = TemplateInstance | PlainTree;
