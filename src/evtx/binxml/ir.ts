/**
 * Intermediate form of parsed BinXML: what a template definition (or a template-less fragment)
 * says, with substitutions still open. Compiled once per distinct template and filled per record.
 */
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
  /** Its nodes and how often it uses each substitution, on first need (record-weight.ts). */
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
