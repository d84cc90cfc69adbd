import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { FastXmlTokenizer, type AttributeLookup, type XmlTokenSink } from '../../src/sources/xml-fast.js';
import { XmlSegmenter } from '../../src/sources/xml-segments.js';
import { XmlEventParser, type XmlEventFields } from '../../src/sources/xml.js';
import { corpusDir } from '../helpers/paths.js';
import { fixture, fixturesDir } from './helpers.js';

/**
 * The fast tokenizer may only answer for text that saxes reads without an error, and must then
 * report exactly saxes' tags, attributes and text. Everything else it must leave to saxes.
 * Checked token by token against saxes itself on real exports and on generated XML.
 */
type Token = string;

/** Tokens as saxes (xmlns off, as the reader uses it) reports them; adjacent text merged. */
function saxesTokens(text: string): Token[] | 'error' {
  const parser = new SaxesParser({ xmlns: false });
  const tokens: Token[] = [];
  let failed = false;
  const addText = (t: string) => {
    if (tokens.length > 0 && tokens[tokens.length - 1].startsWith('text:')) tokens[tokens.length - 1] += t;
    else tokens.push(`text:${t}`);
  };
  parser.on('error', () => {
    failed = true;
  });
  parser.on('opentag', (tag) => {
    const attrs = Object.entries(tag.attributes as Record<string, string>);
    tokens.push(`open:${tag.name}:${JSON.stringify(attrs)}:${tag.isSelfClosing}`);
  });
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', (tag) => tokens.push(`close:${tag.isSelfClosing}`));
  parser.write(text).close();
  return failed ? 'error' : tokens;
}

/** Tokens as the fast tokenizer reports them, or null when it leaves the text to saxes. */
function fastTokens(text: string): Token[] | null {
  const tokens: Token[] = [];
  const tokenizer = new FastXmlTokenizer();
  const sink: XmlTokenSink = {
    openTag(qname: string, _attributes: AttributeLookup, selfClosing: boolean) {
      tokens.push(`open:${qname}:${JSON.stringify(tokenizer.entries())}:${selfClosing}`);
    },
    text(t: string) {
      if (tokens.length > 0 && tokens[tokens.length - 1].startsWith('text:')) tokens[tokens.length - 1] += t;
      else tokens.push(`text:${t}`);
    },
    closeTag(selfClosing: boolean) {
      tokens.push(`close:${selfClosing}`);
    },
  };
  return tokenizer.scan(text, sink) ? tokens : null;
}

function fields(text: string, fast: boolean): XmlEventFields | string {
  const parser = new XmlEventParser();
  parser.useFastPath = fast;
  try {
    return parser.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
}

/** Agreement on one text; returns whether the fast path answered. */
function expectAgreement(text: string): boolean {
  const fast = fastTokens(text);
  if (fast === null) return false;
  expect(saxesTokens(text), text).toEqual(fast);
  expect(fields(text, true), text).toEqual(fields(text, false));
  return true;
}

function eventSegments(file: string): string[] {
  const segmenter = new XmlSegmenter();
  const segments = [...segmenter.push(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')), ...segmenter.finish()];
  return segments.flatMap((s) => (s.ok ? [s.text] : []));
}

describe('fast XML tokenizer against saxes', () => {
  it('answers for the events of wevtutil-style fixtures, exactly as saxes', () => {
    const texts = eventSegments(fixture('kms-events-root.xml'));
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(expectAgreement(text)).toBe(true);
  });

  it('agrees with saxes on every event of the XML fixtures and the peer tools\' corpus renderings', () => {
    const expectedDir = path.join(corpusDir, 'expected');
    const files = [
      ...readdirSync(fixturesDir).filter((f) => f.endsWith('.xml')).map((f) => path.join(fixturesDir, f)),
      ...readdirSync(expectedDir).filter((f) => f.endsWith('.xml')).map((f) => path.join(expectedDir, f)),
    ];
    let answered = 0;
    let events = 0;
    for (const file of files) {
      for (const text of eventSegments(file)) {
        events++;
        if (expectAgreement(text)) answered++;
      }
    }
    expect(events).toBeGreaterThan(100);
    expect(answered).toBeGreaterThan(0);
  });

  it('agrees with saxes on generated and mutated XML', () => {
    const piece = fc.constantFrom(
      'a', 'Z', '0', ' ', '-', '"', "'", '<', '>', '&', '/', '=', '&amp;', '&lt;', '&gt;', '&quot;', '&apos;',
      '&#10;', '&#x41;', '&bogus;', '&nbsp;', '&x;', '&;', '&amp', '\t', '\n', '\r', '\r\n', ']', ']]>', ']>', 'é', '\u2028',
      '\ud83d\ude00', '\ud800', '\u0001', '\u0000', '\ufffe', '\uffff', '<!-- c -->', '<![CDATA[x<y]]>', '<?pi x?>',
    );
    const risky = fc.array(piece, { maxLength: 6 }).map((a) => a.join(''));
    // Mostly plain text, so that elements with several attributes and children often stay inside the subset.
    const chars = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('', 'a', 'abc', 'x y', '12', 'é') },
      { weight: 2, arbitrary: piece },
      { weight: 1, arbitrary: risky },
    );
    const attributeName = fc.constantFrom('a', 'b', 'Name', 'x:Name', 'é');
    const name = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('Event', 'e:Event', 'System', 'Data', 'EventData', 'Provider', 'x', 'a.b-c', '_n', 'a:b:c') },
      { weight: 1, arbitrary: fc.constantFrom('é', '1a', ':a', 'a:', '') },
    );
    /** One time in ten, an end tag that does not match. */
    const mismatched = fc.nat(9).map((n) => n === 0);
    const space = fc.constantFrom(' ', '', '  ', '\n', '\t', '\r\n');
    const attribute = fc.tuple(space, attributeName, space, space, fc.constantFrom('"', "'"), chars).map(
      ([s1, n, s2, s3, q, v]) => `${s1}${n}${s2}=${s3}${q}${v}${q}`,
    );
    const { element } = fc.letrec<{ element: string; content: string }>((tie) => ({
      element: fc.tuple(name, fc.array(attribute, { maxLength: 3 }), space, fc.boolean(), tie('content'), mismatched).map(
        ([n, attrs, s, selfClosing, content, mismatch]) =>
          selfClosing ? `<${n}${attrs.join('')}${s}/>` : `<${n}${attrs.join('')}${s}>${content}</${mismatch ? 'Other' : n}${s}>`,
      ),
      content: fc.array(fc.oneof({ depthSize: 'small', withCrossShrink: true }, chars, tie('element')), { maxLength: 4 }).map((a) => a.join('')),
    }));
    const around = fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', 'x', '\n', '<b/>') });
    const edit = fc.constantFrom('none', 'none', 'none', 'insert', 'delete');
    const mutated = fc.tuple(around, element, around, fc.nat(), piece, edit).map(([before, root, after, at, p, how]) => {
      const text = before + root + after;
      const i = text.length === 0 ? 0 : at % text.length;
      if (how === 'insert') return text.slice(0, i) + p + text.slice(i);
      if (how === 'delete') return text.slice(0, i) + text.slice(i + 1);
      return text;
    });
    let answered = 0;
    let left = 0;
    fc.assert(
      fc.property(mutated, (text) => {
        if (expectAgreement(text)) answered++;
        else left++;
      }),
      { numRuns: 4000 },
    );
    // Both sides of the property were exercised (typically about 350 answered, 3650 left to saxes).
    expect(answered).toBeGreaterThan(100);
    expect(left).toBeGreaterThan(100);
  });

  it.each([
    ['"]]>" in text', '<a>x]]>y</a>'],
    ['attributes without white space between them', '<a b="1"c="2"/>'],
    ['a duplicate attribute', '<a b="1" b="2"/>'],
    ['an entity XML does not define', '<a>&nbsp;</a>'],
    ['a character reference', '<a>&#10;</a>'],
    ['text after the root', '<a>x</a>y'],
    ['text before the root', 'y<a/>'],
    ['a second root', '<a/><b/>'],
    ['a carriage return in text', '<a>x\r\ny</a>'],
    ['a tab in an attribute value (normalised to a space)', '<a b="x\ty"/>'],
    ['an entity in an attribute value', '<a b="x&amp;y"/>'],
    ['CDATA', '<a><![CDATA[x]]></a>'],
    ['a comment', '<a><!-- c --></a>'],
    ['a non-ASCII name', '<é/>'],
    ['an unquoted attribute value', '<a b=c/>'],
    ['a mismatched end tag', '<a></b>'],
    ['a control character', '<a>\u0001</a>'],
    ['a character outside the BMP', '<a>\ud83d\ude00</a>'],
    ['an unclosed root', '<a><b/>'],
  ])('leaves %s to saxes', (_what, text) => {
    expect(fastTokens(text)).toBeNull();
    expect(fields(text, true)).toEqual(fields(text, false));
  });

  it('leaves to saxes what is outside its subset, with saxes\' error message and line', () => {
    const broken = '<Event>\n<System><EventID>1</EventID></System>\n<EventData><Data>a</Dta></EventData></Event>';
    expect(fastTokens(broken)).toBeNull();
    expect(fields(broken, true)).toEqual(fields(broken, false));
    expect(fields(broken, true)).toMatch(/^3:\d+: /);
  });
});
