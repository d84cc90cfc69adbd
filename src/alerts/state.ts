import type { AlertState } from '../store/types.js';
import { ruleRemedy } from '../analysis/remedies.js';
import { SEVERITY_RANK, type AffectedClient, type AlertCandidate } from './types.js';

/** Clients kept in an alert's stored details (the mail's CSV attachment reads them back). */
export const MAX_STORED_CLIENTS = 2000;

export interface StoredDetails {
  [key: string]: unknown;
  /** The candidate's reader text and remedy (AlertState has no columns for them). */
  title?: string;
  remedy?: string;
  clients?: AffectedClient[];
  clientsTotal?: number;
}

/**
 * Folds this evaluation's candidates into the stored states (pure):
 * - a candidate without an open state opens one (firstSeen = at, not yet notified);
 * - an open state that is seen again keeps firstSeen/notifiedAt and moves lastSeen — unless its
 *   severity rose above what was mailed, then it counts as new again;
 * - an open state that is not seen any more is resolved at `at`; if it was never mailed its
 *   resolution is not mailed either.
 * Returns every state (changed or not), sorted by id.
 */
export function reconcile(previous: readonly AlertState[], candidates: readonly AlertCandidate[], at: number): AlertState[] {
  const byId = new Map(previous.map((s) => [s.id, { ...s }]));
  const seen = new Set<string>();
  for (const c of candidates) {
    seen.add(c.id);
    const old = byId.get(c.id);
    const details = JSON.stringify(storedDetails(c));
    if (old && old.status === 'open') {
      const escalated = SEVERITY_RANK[c.severity] > SEVERITY_RANK[old.severity];
      byId.set(c.id, {
        ...old,
        severity: c.severity,
        host: c.host,
        summary: c.summary,
        details,
        lastSeen: at,
        notifiedAt: escalated ? null : old.notifiedAt,
      });
    } else {
      byId.set(c.id, {
        id: c.id,
        rule: c.rule,
        severity: c.severity,
        host: c.host,
        summary: c.summary,
        details,
        status: 'open',
        firstSeen: at,
        lastSeen: at,
        resolvedAt: null,
        notifiedAt: null,
        resolvedNotifiedAt: null,
      });
    }
  }
  for (const s of byId.values()) {
    if (s.status !== 'open' || seen.has(s.id)) continue;
    s.status = 'resolved';
    s.resolvedAt = at;
    s.resolvedNotifiedAt = s.notifiedAt === null ? at : null;
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function storedDetails(c: AlertCandidate): StoredDetails {
  const text = { ...c.details, title: c.title, remedy: c.remedy };
  if (c.clients.length === 0) return text;
  return { ...text, clients: c.clients.slice(0, MAX_STORED_CLIENTS), clientsTotal: c.clients.length };
}

/** The reader text of a stored alert; a state stored before titles existed falls back to its summary. */
export function alertTitle(s: AlertState): string {
  const t = parseDetails(s).title;
  return typeof t === 'string' && t.length > 0 ? t : s.host ? `${s.host}: ${s.summary}` : s.summary;
}

/** What to do about a stored alert; a state stored before remedies existed gets its rule's general advice. */
export function alertRemedy(s: AlertState): string {
  const r = parseDetails(s).remedy;
  return typeof r === 'string' && r.length > 0 ? r : ruleRemedy(s.rule, s.host);
}

export function parseDetails(s: AlertState): StoredDetails {
  try {
    const v: unknown = JSON.parse(s.details);
    return v && typeof v === 'object' ? (v as StoredDetails) : {};
  } catch {
    return {};
  }
}

/** What a digest mail would say now. */
export interface PendingAlerts {
  /** Open and not mailed yet (new, or escalated). */
  opened: AlertState[];
  /** Resolved and the resolution not mailed yet. */
  resolved: AlertState[];
  /** Open and already mailed (listed as a reminder, never a reason to mail). */
  ongoing: AlertState[];
}

const bySeverityThenId = (a: AlertState, b: AlertState) =>
  SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.id.localeCompare(b.id);

export function pendingAlerts(states: readonly AlertState[]): PendingAlerts {
  return {
    opened: states.filter((s) => s.status === 'open' && s.notifiedAt === null).sort(bySeverityThenId),
    resolved: states.filter((s) => s.status === 'resolved' && s.resolvedNotifiedAt === null).sort(bySeverityThenId),
    ongoing: states.filter((s) => s.status === 'open' && s.notifiedAt !== null).sort(bySeverityThenId),
  };
}

export function hasNews(p: PendingAlerts): boolean {
  return p.opened.length > 0 || p.resolved.length > 0;
}

/** The states to save after a digest was delivered at `at`. */
export function markNotified(p: PendingAlerts, at: number): AlertState[] {
  return [
    ...p.opened.map((s) => ({ ...s, notifiedAt: at })),
    ...p.resolved.map((s) => ({ ...s, resolvedNotifiedAt: at })),
  ];
}
