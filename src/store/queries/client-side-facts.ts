/**
 * Store.clientSideFacts and Store.clientsNaming: the report's client side grouped in SQL over the
 * answers pairing keeps on each 12288 (migration 1700), so that a report reads a few hundred rows,
 * not every 12288 of its 30 days. The rule they follow is rules/client-side-facts.ts; outcomes as
 * rules/client-pairing.ts outcomeAt: answered when the answer is at or before `to`, settled when
 * also not-contacted or older than the pairing window before `to`. Indexes: migration 1800.
 */
import { COUNT_RESULTS } from '../rules/client-side-facts.js';
import { NOT_CONTACTED } from '../rules/client-pairing.js';
import type { ClientNamedHostFacts, ClientReportedFacts, ClientUnansweredFacts } from '../types.js';
import { defineQuery, num, str, strOrNull } from './query.js';

interface Names {
  /** ` INDEXED BY <index>` in SQLite, whose planner without statistics for new indexes reads the range of client_events_kind; nothing in PostgreSQL. */
  by(index: string): string;
  from: string;
  to: string;
  /** `to` − the pairing window: a 12288 at or before it without an answer has none coming. */
  settled: string;
}
const SQLITE: Names = { by: (index) => ` INDEXED BY ${index}`, from: '@from', to: '@to', settled: '@settled' };
const POSTGRES: Names = { by: () => '', from: '$1', to: '$2', settled: '$3' };

const inWindow = (p: Names, e = '') => `${e}event_id = 12288 AND ${e}time > ${p.from} AND ${e}time <= ${p.to}`;
// null-safe: NOT (answered) must hold for a 12288 without an answer
const answered = (p: Names, e = '') => `${e}result <> ${NOT_CONTACTED} AND ${e}answer_time IS NOT NULL AND ${e}answer_time <= ${p.to}`;
const failed = (p: Names) => `(result = ${NOT_CONTACTED} OR ((answer_time IS NULL OR answer_time > ${p.to}) AND time <= ${p.settled}))`;
/** A computer's display name, looked up in host_names (one checkpoint seek since migration 1800). */
const nameOf = (alias: string) => `(SELECT h.host FROM host_names h WHERE h.host_key = ${alias}.host_key)`;

/**
 * Per kmsHost named, its counts and how many computers name it: the 12288s grouped per host named
 * and computer first, read through client_events_named in that order (no sort).
 */
const namedBody = (p: Names) => `
    SELECT kms_host, COUNT(*) AS machines, SUM(requests) AS requests, SUM(answered) AS answered, SUM(failed) AS failed, MAX(last_time) AS last_time
    FROM (
      SELECT kms_host, host_key, COUNT(*) AS requests,
        SUM(CASE WHEN ${answered(p)} THEN 1 ELSE 0 END) AS answered,
        SUM(CASE WHEN ${failed(p)} THEN 1 ELSE 0 END) AS failed,
        MAX(time) AS last_time
      FROM client_events${p.by('client_events_named')}
      WHERE ${inWindow(p)}
      GROUP BY kms_host, host_key
    ) pairs
    GROUP BY kms_host`;

export type NamedHostRow = Omit<ClientNamedHostFacts, 'clients'>;

export const clientNamedHostsQuery = defineQuery<NamedHostRow>({
  name: 'clientNamedHosts',
  params: ['from', 'to', 'settled'],
  sqlite: namedBody(SQLITE),
  postgres: namedBody(POSTGRES),
  mapRow: (r) => ({
    kmsHost: strOrNull(r.kms_host),
    machines: num(r.machines),
    requests: num(r.requests),
    answered: num(r.answered),
    failed: num(r.failed),
    lastTime: num(r.last_time),
  }),
});

const computersBody = (p: Names) => `SELECT DISTINCT host_key FROM client_events${p.by('client_events_kind')} WHERE ${inWindow(p)}`;

/** Every computer (its key) with a 12288 in the window. */
export const clientComputersQuery = defineQuery<{ computer: string }>({
  name: 'clientComputers',
  params: ['from', 'to'],
  sqlite: computersBody(SQLITE),
  postgres: computersBody(POSTGRES),
  mapRow: (r) => ({ computer: str(r.host_key) }),
});

/**
 * The computers whose newest settled 12288 got no answer. Candidates are the computers with any
 * settled 12288 without one: pairing never answers a 0xC004F074 and answers within the pairing
 * window, so those are the 12288s without answer_time that are 0xC004F074 or older than `settled`
 * (client_events_unanswered holds exactly the ones without answer_time). Each candidate's settled
 * 12288s are then read through client_events_host_time; of one second the last in
 * pairedClientRequests' order is the newest.
 */
const unansweredBody = (p: Names, candidateRows: (where: string) => string) => `
    WITH candidates AS (
      SELECT DISTINCT host_key FROM client_events${p.by('client_events_unanswered')}
      WHERE event_id = 12288 AND answer_time IS NULL AND time > ${p.from} AND time <= ${p.to} AND (result = ${NOT_CONTACTED} OR time <= ${p.settled})
    ), settled AS (
      SELECT e.host_key, e.kms_host, e.time, e.result, e.answer_time,
        ROW_NUMBER() OVER (PARTITION BY e.host_key ORDER BY e.time DESC, CASE WHEN e.record_id IS NULL THEN 1 ELSE 0 END DESC, e.record_id DESC, e.id DESC) AS place,
        SUM(CASE WHEN ${answered(p, 'e.')} THEN 0 ELSE 1 END) OVER (PARTITION BY e.host_key) AS attempts
      FROM ${candidateRows(`${inWindow(p, 'e.')} AND (e.result = ${NOT_CONTACTED} OR e.answer_time <= ${p.to} OR e.time <= ${p.settled})`)}
    )
    SELECT host_key, ${nameOf('settled')} AS computer, kms_host, time, result, attempts
    FROM settled WHERE place = 1 AND NOT (${answered(p)})`;

export const clientUnansweredQuery = defineQuery<ClientUnansweredFacts>({
  name: 'clientUnanswered',
  params: ['from', 'to', 'settled'],
  // the few candidates drive the read, each computer through client_events_host_time: SQLite keeps a
  // CROSS JOIN's order; PostgreSQL, which guessed 18 k candidates for 10 and hashed every 12288 of
  // the window, reads each candidate laterally (OFFSET 0: not flattened)
  sqlite: unansweredBody(SQLITE, (where) => `candidates c CROSS JOIN client_events e INDEXED BY client_events_host_time WHERE e.host_key = c.host_key AND ${where}`),
  postgres: unansweredBody(POSTGRES, (where) => `candidates c CROSS JOIN LATERAL (SELECT * FROM client_events e WHERE e.host_key = c.host_key AND ${where} OFFSET 0) e`),
  mapRow: (r) => ({
    computer: strOrNull(r.computer) ?? str(r.host_key),
    kmsHost: strOrNull(r.kms_host),
    time: num(r.time),
    result: num(r.result),
    outcome: num(r.result) === NOT_CONTACTED ? 'not-contacted' : 'no-response',
    attempts: num(r.attempts),
  }),
});

/**
 * The 12288s naming a host answered with a count: migration 1800's partial index
 * client_events_answers holds exactly these (the terms must stay as written there for the planners
 * to use it).
 */
const withCount = (e = '') =>
  `${e}event_id = 12288 AND ${e}kms_host IS NOT NULL AND ${e}answer_result IN (${COUNT_RESULTS.join(', ')}) AND ${e}answer_count IS NOT NULL AND ${e}minimum_count IS NOT NULL`;

/**
 * Per kmsHost, activationId and minimumCount the newest answer time (one pass over the partial
 * index), then the 12288s answered then (found through the same index: migration 1800 orders it for
 * each planner, the Activation ID may be null), in pairedClientRequests' order: the caller keeps the
 * last of each.
 */
const reportedBody = (p: Names, same: (a: string, b: string) => string) => `
    WITH newest AS (
      SELECT kms_host, activation_id, minimum_count, MAX(answer_time) AS answer_time
      FROM client_events${p.by('client_events_answers')}
      WHERE ${withCount()} AND answer_time <= ${p.to} AND time > ${p.from} AND time <= ${p.to}
      GROUP BY kms_host, activation_id, minimum_count
    )
    SELECT e.kms_host, e.activation_id, e.minimum_count, e.answer_time, e.answer_count, ${nameOf('e')} AS computer, e.host_key
    FROM newest n JOIN client_events e${p.by('client_events_answers')}
      ON e.kms_host = n.kms_host AND e.answer_time = n.answer_time AND ${same('e.activation_id', 'n.activation_id')} AND e.minimum_count = n.minimum_count
    WHERE ${withCount('e.')} AND e.time > ${p.from} AND e.time <= ${p.to}
    ORDER BY e.time, e.host_key, CASE WHEN e.record_id IS NULL THEN 1 ELSE 0 END, e.record_id, e.id`;

export const clientReportedQuery = defineQuery<ClientReportedFacts>({
  name: 'clientReported',
  params: ['from', 'to'],
  sqlite: reportedBody(SQLITE, (a, b) => `${a} IS ${b}`),
  postgres: reportedBody(POSTGRES, (a, b) => `${a} IS NOT DISTINCT FROM ${b}`),
  mapRow: (r) => ({
    kmsHost: str(r.kms_host),
    activationId: strOrNull(r.activation_id),
    minimumCount: str(r.minimum_count),
    computer: strOrNull(r.computer) ?? str(r.host_key),
    answerTime: num(r.answer_time),
    currentCount: str(r.answer_count),
  }),
});

/**
 * The first `limit` computers by key naming one kmsHost (null: none), each with its display name:
 * read through client_events_named in key order, so a big host stops after `limit` computers.
 */
const listBody = (p: Names, host: string, limit: string, same: string) => `
    SELECT host_key, ${nameOf('l')} AS computer
    FROM (
      SELECT host_key FROM client_events${p.by('client_events_named')}
      WHERE ${inWindow(p)} AND ${same}
      GROUP BY host_key
      ORDER BY host_key
      LIMIT ${limit}
    ) l
    ORDER BY host_key`;

export const clientListQuery = defineQuery<{ computer: string }>({
  name: 'clientList',
  params: ['from', 'to', 'host', 'limit'],
  sqlite: listBody(SQLITE, '@host', '@limit', 'kms_host IS @host'),
  // with the value known (custom plans) one of the two terms is constant
  postgres: listBody(POSTGRES, '$3', '$4', '(kms_host = $3::text OR ($3::text IS NULL AND kms_host IS NULL))'),
  mapRow: (r) => ({ computer: strOrNull(r.computer) ?? str(r.host_key) }),
});

/** The computers naming any of a list of kmsHosts (and none, when asked), the first `limit` by key. */
const namingBody = (p: Names, hosts: string, none: string, limit: string) => `
    SELECT host_key, ${nameOf('d')} AS computer, COUNT(*) OVER () AS machines
    FROM (
      SELECT DISTINCT host_key FROM client_events${p.by('client_events_named')}
      WHERE ${inWindow(p)} AND (kms_host IN ${hosts} OR (${none} = 1 AND kms_host IS NULL))
    ) d
    ORDER BY host_key
    LIMIT ${limit}`;

export const clientsNamingQuery = defineQuery<{ computer: string; machines: number }>({
  name: 'clientsNaming',
  params: ['from', 'to', 'hosts', 'none', 'limit'],
  /** @hosts JSON array of kmsHost texts; @none 1 to include 12288s that name none */
  sqlite: namingBody(SQLITE, '(SELECT value FROM json_each(@hosts))', '@none', '@limit'),
  postgres: namingBody(POSTGRES, '(SELECT unnest($3::text[]))', '$4', '$5'),
  mapRow: (r) => ({ computer: strOrNull(r.computer) ?? str(r.host_key), machines: num(r.machines) }),
});
