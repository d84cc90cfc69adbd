/**
 * Instance shape → XML pieces: what render/xml.ts prints for a record of this shape, with its
 * values left open. Which parts are kept is shape-walk.ts's; this says how they are written.
 */
import type { IrElement, IrPi } from '../binxml/ir.js';
import { CTX_XML_ATTR, CTX_XML_TEXT, Unsupported, type Piece } from './shape.js';
import { ShapeWalk, type AttributeParts, type Gathered } from './shape-walk.js';
import { escapeAttribute, escapeText, piXml, safeName } from './xml.js';

interface XmlContent extends Gathered {
  pieces: Piece[];
  /** Kept elements directly in it. */
  elements: number;
  /** The record's root: nested BinXml there would make root elements of its own. */
  root: boolean;
}

export class XmlShape extends ShapeWalk<XmlContent> {
  /** The record's pieces (the view is its root instance), or null when it holds no element. */
  record(): Piece[] | null {
    const c = this.gather({ nodes: 0, pieces: [], elements: 0, root: true });
    return c.elements > 0 ? c.pieces : null;
  }

  /** A nested instance's pieces and how many nodes they make. */
  content(): { pieces: Piece[]; nodes: number } {
    const c = this.gather(this.newContent());
    return { pieces: c.pieces, nodes: c.nodes };
  }

  protected newContent(): XmlContent {
    return { nodes: 0, pieces: [], elements: 0, root: false };
  }

  protected text(c: XmlContent, text: string): void {
    c.pieces.push(escapeText(text));
  }

  protected value(c: XmlContent, slot: number): void {
    c.pieces.push(this.f.value(slot, CTX_XML_TEXT));
  }

  protected item(c: XmlContent, slot: number): void {
    if (!this.f.empty(slot)) this.value(c, slot);
  }

  protected nested(c: XmlContent, slot: number): void {
    if (c.root) throw new Unsupported('nested BinXml at the top level');
    c.pieces.push(this.f.call(slot, 0));
  }

  protected pi(c: XmlContent, node: IrPi): void {
    c.pieces.push(piXml(node.target, node.data));
  }

  protected element(out: XmlContent, el: IrElement, attrs: Array<AttributeParts | null>, content: XmlContent): void {
    const name = safeName(el.name);
    out.pieces.push('<' + name);
    attrs.forEach((parts, i) => {
      if (parts === null) return;
      out.pieces.push(' ' + safeName(el.attrs[i].name) + '="');
      for (const p of parts) out.pieces.push(typeof p === 'string' ? escapeAttribute(p) : this.f.value(p, CTX_XML_ATTR));
      out.pieces.push('"');
    });
    if (content.nodes === 0) out.pieces.push('/>');
    else out.pieces.push('>', ...content.pieces, '</' + name + '>');
    out.elements++;
  }
}
