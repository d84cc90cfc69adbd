/**
 * The renderers cache the text of names (XML-safe names, quoted JSON keys, shape summaries), since
 * real logs repeat a few hundred names endlessly. Names come from the file, so a damaged or hostile
 * file can spell a new 64 KiB name in every record: the caches must not keep those. Before the
 * length limit, the loop below left 163 MB reachable (measured), and `npm run fuzz` (200,000
 * mutated chunks) 557 MB.
 */
import { describe, expect, it } from 'vitest';
import { jsonKey } from '../../src/evtx/render/json.js';
import { safeName } from '../../src/evtx/render/xml.js';
import { retainedHeap } from './helpers/gc.js';

const MB = 1024 * 1024;

function longName(i: number): string {
  return `N${i}_`.padEnd(8000, 'x');
}

describe('name caches hold short names only', () => {
  it('20,000 distinct long names leave no memory behind (jsonKey, safeName)', () => {
    const before = retainedHeap();
    for (let i = 0; i < 20_000; i++) {
      const name = longName(i);
      expect(jsonKey(name).length).toBe(name.length + 2);
      expect(safeName(name)).toBe(name);
    }
    expect(retainedHeap() - before).toBeLessThan(32 * MB);
  });
});
