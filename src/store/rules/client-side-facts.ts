/**
 * What the report's client side reads of a window's 12288s (Store.clientSideFacts), written once
 * over pairedClientRequests' rows: the memory store answers with it, and the contract tests hold
 * the SQL backends' grouped reads (queries/client-side-facts.ts) to it.
 */

import type { ClientNamedHostFacts, ClientReportedFacts, ClientRequestRow, ClientSideFacts, ClientUnansweredFacts, ClientsNaming } from '../types.js';
import { outcomeAt } from './client-pairing.js';

/** 12289 results whose currentCount is the host's count: success, and "the count is insufficient". */
export const COUNT_RESULTS: readonly number[] = [0, 0xc004f038];

/**
 * The facts of `requests` (one window's 12288s in pairedClientRequests' order, `computer` as
 * host_names shows it) as of `at`, the window's end.
 */
export function clientSideFactsOf(requests: readonly ClientRequestRow[], responses: number, at: number, limit: number): ClientSideFacts {
  const computers = new Set<string>();
  const named = new Map<string | null, { facts: ClientNamedHostFacts; machines: Map<string, string> }>();
  const settled = new Map<string, { newest: ClientRequestRow; outcome: string; attempts: number }>();
  const reported = new Map<string, ClientReportedFacts>();
  for (const r of requests) {
    const key = r.computer.toLowerCase();
    computers.add(key);
    const outcome = outcomeAt({ time: r.time, result: r.result, answerTime: r.answer?.time ?? null }, at);

    let n = named.get(r.kmsHost);
    if (!n) {
      const facts: ClientNamedHostFacts = { kmsHost: r.kmsHost, requests: 0, answered: 0, failed: 0, lastTime: r.time, machines: 0, clients: [] };
      named.set(r.kmsHost, (n = { facts, machines: new Map() }));
    }
    n.facts.requests++;
    if (outcome === 'answered') n.facts.answered++;
    if (outcome === 'no-response' || outcome === 'not-contacted') n.facts.failed++;
    n.facts.lastTime = Math.max(n.facts.lastTime, r.time);
    n.machines.set(key, r.computer);

    if (outcome !== 'pending') {
      // of 12288s at one time the last in the read order is the newest
      const s = settled.get(key) ?? { newest: r, outcome, attempts: 0 };
      if (outcome !== 'answered') s.attempts++;
      if (r.time >= s.newest.time) Object.assign(s, { newest: r, outcome });
      settled.set(key, s);
    }

    const answer = r.answer;
    if (outcome === 'answered' && answer !== null && r.kmsHost !== null && COUNT_RESULTS.includes(answer.result) && answer.currentCount !== null && r.minimumCount !== null) {
      const k = JSON.stringify([r.kmsHost, r.activationId, r.minimumCount]);
      const before = reported.get(k);
      if (before === undefined || before.answerTime <= answer.time) {
        reported.set(k, { kmsHost: r.kmsHost, activationId: r.activationId, minimumCount: r.minimumCount, computer: r.computer, answerTime: answer.time, currentCount: answer.currentCount });
      }
    }
  }
  const unanswered: ClientUnansweredFacts[] = [];
  for (const { newest, outcome, attempts } of settled.values()) {
    if (outcome !== 'no-response' && outcome !== 'not-contacted') continue;
    unanswered.push({ computer: newest.computer, kmsHost: newest.kmsHost, time: newest.time, result: newest.result, outcome, attempts });
  }
  return sortedFacts({
    requests: requests.length,
    responses,
    computers: [...computers],
    named: [...named.values()].map(({ facts, machines }) => ({ ...facts, ...clientsOf(machines, limit) })),
    unanswered,
    reported: [...reported.values()],
  });
}

/** clientsNaming over pairedClientRequests' rows. */
export function clientsNamingOf(requests: readonly ClientRequestRow[], kmsHosts: readonly (string | null)[], limit: number): ClientsNaming {
  const wanted = new Set(kmsHosts);
  const machines = new Map<string, string>();
  for (const r of requests) if (wanted.has(r.kmsHost)) machines.set(r.computer.toLowerCase(), r.computer);
  return clientsOf(machines, limit);
}

function clientsOf(machines: ReadonlyMap<string, string>, limit: number): ClientsNaming {
  const keys = [...machines.keys()].sort(compareText).slice(0, limit);
  return { machines: machines.size, clients: keys.map((k) => machines.get(k)!) };
}

/** The order every backend gives its facts in (the SQL backends sort after reading, as here). */
export function sortedFacts(facts: ClientSideFacts): ClientSideFacts {
  return {
    ...facts,
    computers: [...facts.computers].sort(compareText),
    named: [...facts.named].sort((a, b) => compareNullable(a.kmsHost, b.kmsHost)),
    unanswered: [...facts.unanswered].sort((a, b) => compareText(a.computer.toLowerCase(), b.computer.toLowerCase())),
    reported: [...facts.reported].sort(
      (a, b) => compareNullable(a.kmsHost, b.kmsHost) || compareNullable(a.activationId, b.activationId) || compareText(a.minimumCount, b.minimumCount),
    ),
  };
}

function compareNullable(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compareText(a, b);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
