/** Order and limits shared by the discovery and client-side findings (docs/definitions.md "discovery findings"). */
import type { DiscoveryFinding, DiscoveryFindingKind } from './types.js';

const SEVERITY_ORDER: readonly DiscoveryFinding['severity'][] = ['critical', 'warning', 'info'];

/** Kinds in the order a reader acts on them: rogue hosts, then DNS, reachability and publishing, then what the clients logged (docs/definitions.md). */
export const FINDING_KIND_ORDER: readonly DiscoveryFindingKind[] = [
  'rogue-host',
  'missing-record',
  'lookup-failed',
  'target-unresolved',
  'target-unreachable',
  'published-idle',
  'unpublished-host',
  'weight-skew',
  'unanswered-clients',
  'uncollected-host',
  'count-differs',
];

/** A finding lists at most this many client machines. */
export const FINDING_CLIENT_LIMIT = 100;

/** Worst first: severity, then kind, then host (case-insensitive, none last), then domain. */
export function sortFindings(findings: DiscoveryFinding[]): DiscoveryFinding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      FINDING_KIND_ORDER.indexOf(a.kind) - FINDING_KIND_ORDER.indexOf(b.kind) ||
      nullsLast(a.host?.toLowerCase() ?? null, b.host?.toLowerCase() ?? null) ||
      nullsLast(a.domain, b.domain),
  );
}

function nullsLast(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Distinct machine names (case-insensitive, first spelling kept), sorted, at most the limit. */
export function clientList(machines: Iterable<string>): string[] {
  const byKey = new Map<string, string>();
  for (const m of machines) if (!byKey.has(m.toLowerCase())) byKey.set(m.toLowerCase(), m);
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, FINDING_CLIENT_LIMIT)
    .map(([, m]) => m);
}
