/**
 * src/web/bytes-source.ts reads one export held in memory (a file dropped on the offline page, an
 * HTTP body). Every input format `kmswatch ingest` reads must come out of it as out of the file
 * readers (openSource, src/sources/index.ts): the same events and issues, in the same order.
 * The offline page runs it in a browser, where `csv-parse` is the shim of
 * src/web/dashboard/shims/csv-parse.ts (csv-parse's browser build): the CSV samples are read once
 * more through that shim and must give the same items as Node's csv-parse.
 */
import { describe, expect, it, vi } from 'vitest';
import { detectFormat } from '../../src/sources/detect.js';
import { INPUT_FORMATS } from '../../src/sources/formats.js';
import { openSource } from '../../src/sources/index.js';
import type { SourceItem } from '../../src/sources/types.js';
import { readBytesSource } from '../../src/web/bytes-source.js';
import { formatSamples, type FormatSample } from './format-samples.js';

async function items(source: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** Items with the file name left out (the bytes reader is given the name, the file reader the path). */
function withoutFile(list: SourceItem[]): unknown[] {
  return list.map((item) =>
    item.ok ? { ...item, event: { ...item.event, origin: { ...item.event.origin, file: '' } } } : { ...item, issue: { ...item.issue, file: '' } },
  );
}

const options = (s: FormatSample, file: string) => ({ file, timezone: 'UTC', ...(s.host ? { host: s.host } : {}) });

describe('readBytesSource', () => {
  it('has a sample of every input format', () => {
    const covered = new Set(formatSamples().map((s) => s.format));
    expect(INPUT_FORMATS.filter((f) => !covered.has(f))).toEqual([]);
  });

  for (const sample of formatSamples()) {
    it(`reads ${sample.label} (${sample.name}) as the file reader does`, async () => {
      expect(detectFormat(sample.bytes.subarray(0, 64 * 1024), sample.name)).toBe(sample.format);
      const fromBytes = await items(readBytesSource(sample.bytes, options(sample, sample.name)));
      expect(fromBytes.filter((i) => i.ok).length).toBe(sample.events);
      expect(fromBytes.filter((i) => !i.ok).length, JSON.stringify(fromBytes.filter((i) => !i.ok))).toBe(sample.issues);
      const fromFile = await items(openSource(sample.path, options(sample, sample.path)));
      expect(withoutFile(fromBytes)).toEqual(withoutFile(fromFile));
    });
  }
});

describe('readBytesSource with the browser build of csv-parse (the offline page)', () => {
  const csvSamples = () => formatSamples().filter((s) => s.format === 'csv-export' || s.format === 'csv-eventviewer');

  /** readBytesSource of a module graph in which `csv-parse` is the dashboard's shim, as Vite bundles it. */
  async function browserReader(): Promise<typeof readBytesSource> {
    vi.resetModules();
    vi.doMock('csv-parse', () => import('../../src/web/dashboard/shims/csv-parse.js'));
    try {
      return (await import('../../src/web/bytes-source.js')).readBytesSource;
    } finally {
      vi.doUnmock('csv-parse');
    }
  }

  it('gives the items of Node\'s csv-parse for every CSV sample, in UTF-8, UTF-8 with BOM and UTF-16LE', async () => {
    const browserRead = await browserReader();
    expect(browserRead).not.toBe(readBytesSource);
    const variants = (s: FormatSample): [string, Uint8Array][] => {
      const text = new TextDecoder().decode(s.bytes);
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      return [['utf-8', s.bytes], ['bom', new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), s.bytes]))], ['utf-16le', new Uint8Array(utf16)]];
    };
    for (const s of csvSamples()) {
      for (const [variant, bytes] of variants(s)) {
        const expected = await items(readBytesSource(bytes, options(s, s.name)));
        const actual = await items(browserRead(bytes, options(s, s.name)));
        expect(actual.filter((i) => i.ok).length, `${s.name} ${variant}`).toBe(s.events);
        expect(actual, `${s.name} ${variant}`).toEqual(expected);
      }
    }
  });

  it('reports the damaged rows of a CSV export as Node does (bad quoting, an unclosed quote at the end)', async () => {
    const browserRead = await browserReader();
    const { fixture } = await import('../sources/helpers.js');
    const { readFileSync } = await import('node:fs');
    const bytes = new Uint8Array(readFileSync(fixture('export-csv-bad.csv')));
    const expected = await items(readBytesSource(bytes, { file: 'bad.csv', timezone: 'UTC' }));
    // test/fixtures/sources/README.md: an unreadable date, a row without ids, a quote cut off at the end
    expect(expected.filter((i) => !i.ok).length).toBe(3);
    expect(await items(browserRead(bytes, { file: 'bad.csv', timezone: 'UTC' }))).toEqual(expected);
  });
});
