import { StoreError } from '../types.js';
import type { PgClient } from './driver.js';

/**
 * Row ids for the requests a batch stores, taken before the rows are sent: the batch folds its
 * rows into client_summary itself, and the summary names the first and latest request of each
 * client by id. Migration 0500 makes `requests_id_seq` step by a block (1024): every nextval()
 * hands out a block start v, and v .. v + step - 1 belong to whoever got v, whatever other writers
 * (or a plain INSERT using the column default) take meanwhile. Ids rise in batch order, as the
 * "later stored wins" tie-breaks of the summaries expect.
 */
export interface IdSequence {
  /** Qualified sequence name (pg_get_serial_sequence). */
  name: string;
  step: number;
}

export async function requestIdSequence(client: PgClient): Promise<IdSequence> {
  const res = await client.query<{ name: string | null; step: number | null }>(
    `SELECT s.name, q.seqincrement AS step
       FROM (SELECT pg_get_serial_sequence('requests', 'id') AS name) s
       LEFT JOIN pg_sequence q ON q.seqrelid = s.name::regclass`,
  );
  const row = res.rows[0];
  if (!row?.name || !row.step || row.step < 1) throw new StoreError('requests.id has no ascending sequence', 'STORE_WRITE');
  return { name: row.name, step: row.step };
}

export class ReservedIds {
  constructor(
    /** First id of each reserved block, ascending. */
    readonly starts: readonly number[],
    readonly step: number,
  ) {}

  /** The id of the k-th stored row of the batch (0-based). */
  at(k: number): number {
    return this.starts[Math.floor(k / this.step)] + (k % this.step);
  }

  /** The starts of the blocks that hold the first `count` ids. */
  blocksOf(count: number): number[] {
    return this.starts.slice(0, Math.ceil(count / this.step));
  }
}

export async function reserveIds(client: PgClient, sequence: IdSequence, count: number): Promise<ReservedIds> {
  const blocks = Math.ceil(count / sequence.step);
  const res = await client.query({
    text: 'SELECT nextval($1::regclass) FROM generate_series(1, $2::integer)',
    values: [sequence.name, blocks],
    rowMode: 'array',
  });
  const starts = (res.rows as [number][]).map(([v]) => v).sort((a, b) => a - b);
  return new ReservedIds(starts, sequence.step);
}
