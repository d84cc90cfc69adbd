import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupItems } from '../../src/sources/batches.js';
import { openSource, openSourceBatches } from '../../src/sources/index.js';
import { XmlSegmenter, type XmlSegment } from '../../src/sources/xml-segments.js';
import { fixture } from './helpers.js';

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('batched reading', () => {
  it('groupItems keeps order and cuts arrays at the given size', async () => {
    const batches = await all(groupItems([1, 2, 3, 4, 5, 6, 7], 3));
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(await all(groupItems([], 3))).toEqual([]);
  });

  it('openSourceBatches hands out non-empty arrays whose items are openSource\'s, in order', async () => {
    for (const name of ['kms-events-root.xml', 'kms-truncated.xml', 'winlogbeat.ndjson', 'psjson-lost.json', 'export-csv-enus.csv', 'export-csv-bad.csv']) {
      const opts = { timezone: 'America/New_York' };
      const batches = await all(openSourceBatches(fixture(name), opts));
      expect(batches.every((b) => b.length > 0), name).toBe(true);
      expect(batches.flat(), name).toEqual(await all(openSource(fixture(name), opts)));
      // A small fixture fits one chunk: its events come in one array, not one await each.
      expect(batches.length, name).toBeLessThanOrEqual(2);
    }
  });

  it('XmlSegmenter finds the same segments however the text is cut into chunks', () => {
    const text = ['kms-events-root.xml', 'kms-fragments.xml', 'kms-truncated.xml'].map((f) => readFileSync(fixture(f), 'utf8')).join('\n');
    const segmentsOf = (chunks: string[]): XmlSegment[] => {
      const s = new XmlSegmenter();
      return [...chunks.flatMap((c) => s.push(c)), ...s.finish()];
    };
    const whole = segmentsOf([text]);
    expect(whole.filter((s) => s.ok).length).toBeGreaterThan(5);
    expect(whole.filter((s) => !s.ok).length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), text.length];
        const chunks = points.slice(1).map((end, i) => text.slice(points[i], end));
        expect(segmentsOf(chunks)).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});
