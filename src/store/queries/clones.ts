import type { CloneRow } from '../types.js';
import { cmidRows } from './names.js';
import { defineQuery, num, str, type RawRow } from './query.js';

/**
 * docs/definitions.md "clone": CMIDs reported under two or more machine names (case-insensitive)
 * with time <= at. One row per (cmid, machine name); collectClones() folds them into CloneRows.
 * The machine is shown as written in its earliest request (the first stored on a tie).
 * Exact form over the requests; summary form over client_summary (see freshness.ts). "Two or more
 * names" is MIN <> MAX of the name ids: no sort per CMID as COUNT(DISTINCT) needs.
 */
export interface CloneNameRow {
  cmid: string;
  machineKey: string;
  machine: string;
  firstSeen: number;
  lastSeen: number;
}

// The names are looked up row by row: clones are few, and a join let PostgreSQL, which cannot
// tell how few, hash the whole strings table (≈ 0.3 s at 400 k strings) for a handful of rows.
const select = (names: string, firstName: string) => `
    SELECT (SELECT c.value FROM strings c WHERE c.id = n.cmid_id) AS cmid,
           (SELECT mk.value FROM strings mk WHERE mk.id = n.machine_key_id) AS machine_key,
           n.first_seen, n.last_seen, (${firstName}) AS machine
    FROM (${names}) n
    ORDER BY cmid, machine_key`;

const summary = select(`
      SELECT s.cmid_id, s.machine_key_id, MIN(s.first_seen) AS first_seen, MAX(s.last_seen) AS last_seen
      FROM client_summary s
      WHERE s.cmid_id IN (SELECT cmid_id FROM client_summary GROUP BY cmid_id HAVING MIN(machine_key_id) <> MAX(machine_key_id))
      GROUP BY s.cmid_id, s.machine_key_id`, `
      SELECT ms.value FROM client_summary s JOIN strings ms ON ms.id = s.first_machine_id
      WHERE s.cmid_id = n.cmid_id AND s.machine_key_id = n.machine_key_id
      ORDER BY s.first_seen, s.first_id LIMIT 1`);

/**
 * Past form: the clone set and the first names from client_summary rows whose first request is up
 * to `at`; a (CMID, machine) with requests after `at` ("stale") has its last request up to `at`
 * looked up among its own requests (clones are few).
 */
const pastNames = (at: string) => `
    SELECT c.value AS cmid, mk.value AS machine_key, n.cmid_id, n.machine_key_id, n.first_seen, n.last_seen, n.stale,
           (SELECT ms.value FROM client_summary s JOIN strings ms ON ms.id = s.first_machine_id
            WHERE s.cmid_id = n.cmid_id AND s.machine_key_id = n.machine_key_id
            ORDER BY s.first_seen, s.first_id LIMIT 1) AS machine
    FROM (
      SELECT s.cmid_id, s.machine_key_id, MIN(s.first_seen) AS first_seen,
             MAX(CASE WHEN s.last_seen <= ${at} THEN s.last_seen END) AS last_seen,
             MAX(CASE WHEN s.last_seen > ${at} THEN 1 ELSE 0 END) AS stale
      FROM client_summary s
      WHERE s.first_seen <= ${at} AND s.cmid_id IN (
        SELECT cmid_id FROM client_summary WHERE first_seen <= ${at} GROUP BY cmid_id HAVING MIN(machine_key_id) <> MAX(machine_key_id))
      GROUP BY s.cmid_id, s.machine_key_id
    ) n
    JOIN strings c ON c.id = n.cmid_id
    JOIN strings mk ON mk.id = n.machine_key_id
    ORDER BY c.value, mk.value`;

const lastUpTo = (rows: string, machineKey: string, at: string) => `
    SELECT MAX(r.time) AS last_seen FROM requests r WHERE ${rows} AND r.machine_key_id = ${machineKey} AND r.time <= ${at}`;

export const clonesPastSql = {
  sqlite: { names: pastNames('@at'), lastUpTo: lastUpTo(cmidRows.sqlite('r', '= @cmidId'), '@machineKeyId', '@at') },
  postgres: { names: pastNames('$1'), lastUpTo: lastUpTo(cmidRows.postgres('r', '= $1'), '$2', '$3') },
} as const;

/** The past form's rows: stale ones get their last request up to `at` from `lastUpTo`. */
export async function clonesPast(
  names: readonly RawRow[],
  lastUpTo: (cmidId: number, machineKeyId: number) => Promise<number | null>,
): Promise<CloneNameRow[]> {
  const out: CloneNameRow[] = [];
  for (const r of names) {
    let lastSeen = r.last_seen === null ? Number.NEGATIVE_INFINITY : num(r.last_seen);
    if (num(r.stale) === 1) lastSeen = Math.max(lastSeen, (await lastUpTo(num(r.cmid_id), num(r.machine_key_id))) ?? Number.NEGATIVE_INFINITY);
    out.push({ cmid: str(r.cmid), machineKey: str(r.machine_key), machine: str(r.machine), firstSeen: num(r.first_seen), lastSeen });
  }
  return out;
}

const mapRow = (r: RawRow): CloneNameRow => ({
  cmid: str(r.cmid),
  machineKey: str(r.machine_key),
  machine: str(r.machine),
  firstSeen: num(r.first_seen),
  lastSeen: num(r.last_seen),
});

export const cloneNamesSummaryQuery = defineQuery<CloneNameRow>({ name: 'clonesSummary', params: [], sqlite: summary, postgres: summary, mapRow });

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
