import { describe, expect, it } from 'vitest';
import { BatchIds, LookupIds } from '../../src/store/postgres/lookup-ids.js';

/**
 * A machine's committed entry remembers the CMID it last reported (lookup-ids.ts, cmidOf), so most
 * requests need one string lookup instead of two. The ids below are made up; what matters is which
 * of them count as committed (in the store's LookupIds) and which only as added by a batch.
 */
function committedIds(): LookupIds {
  const committed = new LookupIds();
  // PC1 as written and lower-case, and two CMIDs in lower case, as a stored batch left them
  for (const [value, id] of [['PC1', 1], ['pc1', 2], ['aaaa', 10], ['bbbb', 11]] as const) committed.strings.set(value, id);
  return committed;
}

describe('postgres BatchIds: CMID remembered on the machine entry', () => {
  it('follows a machine from one CMID to another and back', () => {
    const committed = committedIds();
    const ids = new BatchIds(committed);
    const pc1 = ids.machine('PC1');
    expect(pc1).toMatchObject({ id: 1, keyId: 2, cacheable: true });
    expect(ids.cmidOf(pc1, 'AAAA')).toBe(10);
    expect(pc1.lastCmid).toBe('AAAA');
    // re-imaged: a new CMID must not be answered with the remembered one
    expect(ids.cmidOf(pc1, 'BBBB')).toBe(11);
    expect(ids.cmidOf(pc1, 'AAAA')).toBe(10);
    // a later batch gets the same entry back
    const next = new BatchIds(committed);
    expect(next.machine('PC1')).toBe(pc1);
    expect(next.cmidOf(pc1, 'AAAA')).toBe(10);
    expect(next.complete).toBe(true);
  });

  it('does not remember an id that only the current batch added (it could be rolled back)', () => {
    const committed = committedIds();
    const ids = new BatchIds(committed);
    const pc1 = ids.machine('PC1');
    expect(ids.cmidOf(pc1, 'CCCC')).toBe(-1);
    expect([...ids.missingStrings]).toEqual(['cccc']);
    // as fetchMissing would leave it: the batch inserted 'cccc' as id 12, not yet committed
    ids.added.strings.set('cccc', 12);
    ids.missingStrings.clear();
    expect(ids.cmidOf(pc1, 'CCCC')).toBe(12);
    expect(pc1.lastCmid).toBeUndefined();
    // the batch rolled back: its added ids are dropped, so the next batch must ask again
    const retry = new BatchIds(committed);
    expect(retry.cmidOf(retry.machine('PC1'), 'CCCC')).toBe(-1);
    // once a batch with it commits, the id is merged and remembered
    retry.added.strings.set('cccc', 13);
    committed.merge(retry.added);
    const after = new BatchIds(committed);
    expect(after.cmidOf(after.machine('PC1'), 'CCCC')).toBe(13);
    expect(committed.machines.get('PC1')?.lastCmidId).toBe(13);
  });

  it('keeps no entry for a machine whose ids are not committed', () => {
    const committed = committedIds();
    const ids = new BatchIds(committed);
    const pc2 = ids.machine('PC2');
    expect(pc2).toMatchObject({ id: -1, keyId: -1, cacheable: false });
    expect(ids.cmidOf(pc2, 'AAAA')).toBe(10);
    expect(pc2.lastCmid).toBeUndefined();
    expect(committed.machines.has('PC2')).toBe(false);
  });
});
