import type { CloneRow } from '../store/types.js';
import { iso } from './time.js';
import type { CloneReport } from './types.js';

/** CMIDs reported under two or more machine names: usually an image not generalised (sysprep). */
export function describeClones(rows: readonly CloneRow[]): CloneReport[] {
  return rows
    .map((r) => ({ cmid: r.cmid, machines: [...r.machines], firstSeen: iso(r.firstSeen), lastSeen: iso(r.lastSeen), damagedOnly: false }))
    .sort((a, b) => b.machines.length - a.machines.length || (a.cmid < b.cmid ? -1 : a.cmid > b.cmid ? 1 : 0));
}
