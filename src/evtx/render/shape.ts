/**
 * What the shape compilers (shape-xml.ts, shape-json.ts) work with: one template instance of a
 * record, read from the flat value table, and the output they produce — static text mixed with
 * references to the instance's values (by position relative to the instance, each with the context
 * it is written in) and calls into the programs of nested instances.
 */
import { CLS_EMPTY, type FlatValues } from '../binxml/instance-slots.js';
import type { CompiledTemplate } from '../binxml/ir.js';
import { VT } from '../binxml/value-types.js';

/** XML text content (`valueXml`: strings escaped). */
export const CTX_XML_TEXT = 0;
/** XML attribute value (`escapeAttribute`). */
export const CTX_XML_ATTR = 1;
/** A JSON value of its own (`typedJson`: numbers bare, strings quoted). */
export const CTX_JSON_TYPED = 2;
/** Inside a JSON string (`quote` of a concatenation). */
export const CTX_JSON_STR = 3;

/*
 * Both kinds carry the same fields (the other kind's as 0), so they share one hidden class and
 * the code going through pieces stays monomorphic.
 */
export interface ValueRef {
  kind: 'value';
  /** Slot relative to the instance's first slot. */
  slot: number;
  ctx: number;
  part: 0;
}

/** Runs part `part` of the program of the instance nested in BinXml value `slot` (relative). */
export interface CallRef {
  kind: 'call';
  slot: number;
  ctx: 0;
  part: number;
}

/** Output text: static strings, value references and calls, in order. */
export type Piece = string | ValueRef | CallRef;

/** Thrown by a compiler when the shape needs what only the string renderers do. */
export class Unsupported extends Error {}

/** What a nested instance's program tells the compiler of the instance around it. */
export interface ChildInfo {
  /** XML: whether its content is at least one node. */
  nodes: number;
  /** JSON: the members it adds (its parts are their values), and its text nodes (static only). */
  keys: string[];
  jkeys: string[];
  texts: string[];
  textTypes: number[];
}

/** Read access to one instance of a record's flat table, in the terms of expand.ts. */
export class ShapeView {
  readonly template: CompiledTemplate;
  private readonly base: number;
  private readonly count: number;

  constructor(
    readonly f: FlatValues,
    readonly inst: number,
    private readonly child: (inst: number) => ChildInfo,
  ) {
    this.template = f.template[inst];
    this.base = f.base[inst];
    this.count = f.count[inst];
  }

  /** Slot of value `i` (absolute; only within this compile). */
  slot(i: number): number {
    return this.base + i;
  }

  isNull(i: number): boolean {
    return i >= this.count || this.f.type[this.base + i] === VT.Null;
  }

  type(slot: number): number {
    return this.f.type[slot];
  }

  /** The value's text is '' (scalarText / item text); for BinXml: it holds no instance. */
  empty(slot: number): boolean {
    return (this.f.cls[slot] & CLS_EMPTY) !== 0;
  }

  /** Slots of an array value's items. */
  items(slot: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.f.subCount[slot]; i++) out.push(this.f.sub[slot] + i);
    return out;
  }

  /** What the instance nested in a (non-empty) BinXml value contributes. */
  nested(slot: number): ChildInfo {
    return this.child(this.f.sub[slot]);
  }

  value(slot: number, ctx: number): ValueRef {
    return { kind: 'value', slot: slot - this.base, ctx, part: 0 };
  }

  call(slot: number, part: number): CallRef {
    return { kind: 'call', slot: slot - this.base, ctx: 0, part };
  }
}
