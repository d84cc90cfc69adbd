import type { CloneRow } from '../types.js';
import { defineQuery, num, str, type RawRow } from './query.js';

/**
 * docs/definitions.md "clone": CMIDs reported under two or more machine names (case-insensitive)
 * with time <= at. One row per (cmid, machine name); collectClones() folds them into CloneRows.
 * The machine is shown as written in its earliest request.
 */
export interface CloneNameRow {
  cmid: string;
  machineKey: string;
  machine: string;
  firstSeen: number;
  lastSeen: number;
}

const body = (at: string) => `
    WITH multi AS (
      SELECT cmid FROM requests WHERE time <= ${at}
      GROUP BY cmid HAVING COUNT(DISTINCT machine_key) > 1
    ), names AS (
      SELECT r.cmid, r.machine_key, MIN(r.time) AS first_seen, MAX(r.time) AS last_seen
      FROM requests r JOIN multi m ON m.cmid = r.cmid
      WHERE r.time <= ${at}
      GROUP BY r.cmid, r.machine_key
    )
    SELECT n.cmid, n.machine_key, n.first_seen, n.last_seen,
           (SELECT r.machine FROM requests r
             WHERE r.cmid = n.cmid AND r.machine_key = n.machine_key AND r.time = n.first_seen
             ORDER BY r.id LIMIT 1) AS machine
    FROM names n
    ORDER BY n.cmid, n.machine_key`;

export const cloneNamesQuery = defineQuery<CloneNameRow>({
  name: 'clones',
  params: ['at'],
  sqlite: body('@at'),
  postgres: body('$1'),
  mapRow: (r: RawRow) => ({
    cmid: str(r.cmid),
    machineKey: str(r.machine_key),
    machine: str(r.machine),
    firstSeen: num(r.first_seen),
    lastSeen: num(r.last_seen),
  }),
});

/** Rows arrive ordered by cmid, machine key (so machines come out sorted case-insensitively). */
export function collectClones(rows: readonly CloneNameRow[]): CloneRow[] {
  const out: CloneRow[] = [];
  let current: CloneRow | null = null;
  for (const row of rows) {
    if (current === null || current.cmid !== row.cmid) {
      current = { cmid: row.cmid, machines: [], firstSeen: row.firstSeen, lastSeen: row.lastSeen };
      out.push(current);
    }
    current.machines.push(row.machine);
    current.firstSeen = Math.min(current.firstSeen, row.firstSeen);
    current.lastSeen = Math.max(current.lastSeen, row.lastSeen);
  }
  return out;
}
