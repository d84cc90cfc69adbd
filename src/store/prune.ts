import type { Driver, Sql } from './driver.js';
import { rebuildActivitySql } from './queries/activity.js';
import { rebuildDailySql } from './queries/daily-activity.js';
import { rebuildFailureCountsSql } from './queries/failure-counts.js';
import { pruneSql } from './queries/prune.js';
import type { PruneResult } from './types.js';

/** The statements of a list, both dialects side by side, each binding `before`. */
const statements = (name: string, texts: { sqlite: readonly string[]; postgres: readonly string[] }): Sql[] =>
  texts.sqlite.map((sqlite, i) => ({ name: `${name}${i + 1}`, params: ['before'], sqlite, postgres: texts.postgres[i] }));

const DELETE = statements('pruneDelete', pruneSql.delete);
const SUMMARIES = statements('pruneSummaries', pruneSql.summaries);

/**
 * Store.prune: counts what goes (a dry run stops there, reading only), then deletes it and brings
 * the summaries back in line, all in one write transaction (queries/prune.ts).
 */
export async function pruneStore(db: Driver, before: number, dryRun: boolean): Promise<PruneResult> {
  const run = async (tx: Driver): Promise<PruneResult> => {
    const [counts] = (await tx.rows(pruneSql.count, { before })).map((r) => pruneSql.count.mapRow(r));
    if (!dryRun) {
      for (const statement of [...DELETE, ...SUMMARIES]) await tx.run(statement, { before });
      // the timeline's tables from the kept requests: rebuilt whole (prune is rare; each is one pass)
      for (const statement of [...rebuildActivitySql, ...rebuildDailySql, ...rebuildFailureCountsSql]) await tx.run(statement);
    }
    return { before, dryRun, ...counts };
  };
  return dryRun ? run(db) : db.transaction(run);
}
