import type { Migration } from './types.js';

/*
 * Indexes for the report's client side grouped in SQL (queries/client-side-facts.ts):
 * - client_events_kind (1700) with the computer: the computers of a window without reading the table;
 * - client_events_named: the 12288s by host named and computer, with what their outcome reads;
 * - client_events_unanswered: the 12288s pairing left without an answer;
 * - client_events_answers: the 12288s naming a host answered with a count (the partial indexes'
 *   terms are the queries', written the same);
 * - host_names (0001) without GROUP BY.
 */
// host_names as the same rows (MIN(host) per host_key) without an aggregate: the planners then look up
// the hosts a query joins instead of grouping every checkpoint first (19,550 when clients forward logs)
const hostNames = `SELECT c.host_key, c.host FROM checkpoints c
  WHERE NOT EXISTS (SELECT 1 FROM checkpoints o WHERE o.host_key = c.host_key AND (o.host < c.host OR (o.host = c.host AND o.channel < c.channel)))`;

const ddl = [
  'DROP INDEX client_events_kind',
  'CREATE INDEX client_events_kind ON client_events (event_id, time, host_key)',
  'CREATE INDEX client_events_named ON client_events (kms_host, host_key, time, result, answer_time) WHERE event_id = 12288',
  'CREATE INDEX client_events_unanswered ON client_events (time, host_key) WHERE event_id = 12288 AND answer_time IS NULL',
];

// the 12288s naming a host answered with a count, ordered for each planner's way back from a group's
// newest answer time to its rows: SQLite seeks all four with IS (null-safe and indexable there);
// PostgreSQL's IS NOT DISTINCT FROM is no index condition, so it seeks host and answer time
const answers = (columns: string) => `CREATE INDEX client_events_answers ON client_events (${columns})
     WHERE event_id = 12288 AND kms_host IS NOT NULL AND answer_result IN (0, 3221549112) AND answer_count IS NOT NULL AND minimum_count IS NOT NULL`;

export const clientSideIndexes: Migration = {
  id: '1800-client-side-indexes',
  // SQLite resolves a view when it is used; PostgreSQL keeps kms_host_counts (0200) bound to host_names
  sqlite: [...ddl, answers('kms_host, activation_id, minimum_count, answer_time, time'), 'DROP VIEW host_names', `CREATE VIEW host_names AS ${hostNames}`],
  postgres: [...ddl, answers('kms_host, answer_time, activation_id, minimum_count, time'), `CREATE OR REPLACE VIEW host_names AS ${hostNames}`],
};
