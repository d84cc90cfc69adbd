import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotHeap } from '../../src/simulate/heap.js';

type Op = { push: number } | 'pop';

describe('SlotHeap', () => {
  it('pops by time, ties in insertion order, for any mix of pushes and pops', () => {
    // The model: a list kept sorted by (time, push number); the heap must pop exactly what it pops.
    const op: fc.Arbitrary<Op> = fc.oneof(fc.integer({ min: 0, max: 20 }).map((t) => ({ push: t })), fc.constant('pop' as const));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const heap = new SlotHeap(1); // starts small: growing is exercised too
        const model: { at: number; seq: number; slot: number }[] = [];
        let seq = 0;
        for (const o of ops) {
          if (o === 'pop') {
            model.sort((a, b) => a.at - b.at || a.seq - b.seq);
            const want = model.shift();
            expect(heap.pop()).toBe(want ? want.slot : -1);
          } else {
            const slot = seq * 7 + 3;
            model.push({ at: o.push, seq: seq++, slot });
            heap.push(slot, o.push);
          }
          expect(heap.size).toBe(model.length);
          expect(heap.peekAt()).toBe(model.length ? Math.min(...model.map((m) => m.at)) : Infinity);
        }
      }),
      { numRuns: 200 },
    );
  });
});
