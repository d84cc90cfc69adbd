/**
 * Pulls the fields we compare out of the XML printed by the two independent EVTX readers
 * (libevtx's `evtxexport -f xml`, Debian libevtx-utils; python-evtx's `evtx_dump.py`, Debian
 * python3-evtx). Parsing only: the main suite reads their committed outputs
 * (test/fixtures/peers/), and test/peers/run.ts runs them live (`npm run test:peers`).
 * Their output is not always well-formed XML (libevtx prints control characters raw), so fields are
 * taken with patterns per <Event> block rather than with an XML parser.
 */

export interface PeerRecord {
  recordId: number;
  eventId: number;
  qualifiers: number | null;
  level: number;
  keywords: bigint;
  /** SystemTime attribute as the peer printed it. */
  systemTime: string;
  provider: Record<string, string>;
  channel: string;
  computer: string;
  userSid: string | null;
  data: string[];
  /** Hex of <Binary> (upper case after normalising), '' when absent or empty. */
  binary: string;
}

/** Records of `evtxexport -f xml` output. */
export function parseEvtxexportXml(xml: string): PeerRecord[] {
  return splitEvents(xml).map((block) => {
    const rec = parseBlock(block, dataOfLibevtx(block));
    rec.binary = rec.binary.toUpperCase();
    return rec;
  });
}

/** Records of `evtx_dump.py` output. */
export function parsePythonEvtxXml(xml: string): PeerRecord[] {
  return splitEvents(xml).map((block) => {
    const rec = parseBlock(block, dataOfPythonEvtx(block));
    // python-evtx prints Binary as base64 where Windows and libevtx use hex.
    rec.binary = Buffer.from(rec.binary, 'base64').toString('hex').toUpperCase();
    return rec;
  });
}

function splitEvents(xml: string): string[] {
  return xml.split(/<Event xmlns=/).slice(1);
}

export function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#\d+);/g, (_, e: string) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
      default: return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

function text(block: string, el: string): string | null {
  const m = new RegExp(`<${el}(?: [^>]*)?>([\\s\\S]*?)</${el}>`).exec(block);
  return m ? unescapeXml(m[1]) : null;
}

function attrs(block: string, el: string): Record<string, string> {
  const m = new RegExp(`<${el}((?: [A-Za-z]+="[^"]*")*)\\s*/?>`).exec(block);
  const out: Record<string, string> = {};
  if (!m) return out;
  for (const a of m[1].matchAll(/([A-Za-z]+)="([^"]*)"/g)) if (a[2] !== '') out[a[1]] = unescapeXml(a[2]);
  return out;
}

/** libevtx: one <Data> per array item (<Data/> for an empty one). */
function dataOfLibevtx(block: string): string[] {
  const ed = /<EventData>([\s\S]*?)<\/EventData>/.exec(block);
  if (!ed) return [];
  return [...ed[1].matchAll(/<Data\/>|<Data>([\s\S]*?)<\/Data>/g)].map((m) => unescapeXml(m[1] ?? ''));
}

/** python-evtx prints the array as escaped `<string>` children inside one Data: undo both layers. */
function dataOfPythonEvtx(block: string): string[] {
  const ed = /<EventData>([\s\S]*?)<\/EventData>/.exec(block);
  if (!ed) return [];
  const data = /<Data>([\s\S]*?)<\/Data>/.exec(ed[1]);
  if (!data) return [];
  const inner = unescapeXml(data[1]);
  return [...inner.matchAll(/<string>([\s\S]*?)<\/string>\n/g)].map((m) => m[1]);
}

function parseBlock(block: string, data: string[]): PeerRecord {
  const eventIdAttrs = attrs(block, 'EventID');
  const binary = (text(block, 'Binary') ?? '').trim();
  const sec = attrs(block, 'Security');
  return {
    recordId: Number(text(block, 'EventRecordID')),
    eventId: Number(text(block, 'EventID')),
    qualifiers: eventIdAttrs.Qualifiers === undefined ? null : Number(eventIdAttrs.Qualifiers),
    level: Number(text(block, 'Level')),
    keywords: BigInt(text(block, 'Keywords') ?? '0'),
    systemTime: attrs(block, 'TimeCreated').SystemTime ?? '',
    provider: attrs(block, 'Provider'),
    channel: text(block, 'Channel') ?? '',
    computer: text(block, 'Computer') ?? '',
    userSid: sec.UserID ?? null,
    data,
    binary,
  };
}
