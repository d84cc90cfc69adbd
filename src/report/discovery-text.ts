/**
 * The text report's two sections of issue 27: "Discovery" (the newest `kmswatch discover` check:
 * SRV records per domain, each target's addresses and whether TCP 1688 answered) and "Clients'
 * side" (what the clients' own 12288/12289 events say). Every value from DNS or a log goes through
 * printable() (cells.ts) or the table renderer, so neither can drive the terminal.
 */
import type {
  ClientSideHost,
  ClientSideReport,
  DiscoveryAddressReport,
  DiscoveryDomainReport,
  DiscoveryFinding,
  DiscoveryRecordReport,
  DiscoveryReport,
  KnownHostStatus,
  ReportedCount,
  UnansweredClient,
} from '../analysis/types.js';
import { sortFindings } from '../analysis/findings.js';
import { printable, wrapText } from './cells.js';
import { clientEventsCollected } from './client-events.js';
import type { TimeFormat } from './columns.js';
import { renderTable, type Column, type TableOptions } from './table.js';

/** How many names a list shows before "and N more". */
export const LISTED_NAMES = 10;

const SEVERITY_LABEL: Record<DiscoveryFinding['severity'], string> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' };

/** `a, b, c and 7 more`: the first LISTED_NAMES names, escaped. */
export function cutList(names: readonly string[], limit = LISTED_NAMES): string {
  const shown = names.slice(0, limit).map(printable).join(', ');
  return names.length > limit ? `${shown} and ${names.length - limit} more` : shown;
}

/** The KMS host a published target or a named host is, for a reader: ROGUE when kmswatch knows none. */
export function hostWord(host: string | null, status: KnownHostStatus): string {
  if (status === 'rogue') return 'ROGUE';
  if (status === 'known') return `${host ?? ''} (known, log not collected)`.trim();
  return host ?? '';
}

function lines(text: string, width: number, indent: string): string[] {
  return wrapText(text, Math.max(40, width - indent.length)).map((l) => indent + l);
}

/** Findings worst first: severity, subject, the sentence, what to do and the clients concerned. */
export function findingsText(findings: readonly DiscoveryFinding[], width: number): string[] {
  const out: string[] = [];
  // the analysis gives them sorted; sorted again here, the rule being one function, for any caller
  for (const f of sortFindings([...findings])) {
    const subject = [f.host, f.domain].filter((s): s is string => s !== null && s !== '').join(' in ');
    out.push(`    ${SEVERITY_LABEL[f.severity].padEnd(8)} ${printable(subject || f.kind)}`);
    out.push(...lines(printable(f.text), width, '      '));
    out.push(...lines(`What to do: ${printable(f.remedy)}`, width, '      '));
    if (f.clients.length) out.push(...lines(`Clients: ${cutList(f.clients)}`, width, '      '));
  }
  return out;
}

function percent(share: number): string {
  const p = Math.round(share * 100);
  return p === 0 && share > 0 ? '<1%' : `${p}%`;
}

function addressText(a: DiscoveryAddressReport, recordPort: number): string {
  const port = a.port === recordPort ? '' : ` port ${a.port}`;
  // refused and timeout say it all; an `error` needs its code (EHOSTUNREACH, ENETUNREACH…)
  const error = a.status === 'error' && a.error ? ` (${a.error})` : '';
  return `${a.address}${port} ${a.status} ${a.tookMs} ms${error}`;
}

function addressesText(r: DiscoveryRecordReport): string {
  if (r.resolveStatus === 'no-address') return `no address${r.resolveDetail ? ` (${r.resolveDetail})` : ''}`;
  if (r.resolveStatus === 'failed') return `address lookup failed${r.resolveDetail ? `: ${r.resolveDetail}` : ''}`;
  return r.addresses.map((a) => addressText(a, r.port)).join(', ');
}

function recordColumns(): Column<DiscoveryRecordReport>[] {
  return [
    { header: 'Prio', value: (r) => r.priority },
    { header: 'Weight', value: (r) => r.weight },
    { header: 'Share', value: (r) => percent(r.share), align: 'right' },
    { header: 'TTL', value: (r) => r.ttl },
    { header: 'Target:port', value: (r) => `${r.target}:${r.port}${r.cnames.length ? ` (CNAME ${r.cnames.join(' → ')})` : ''}`, wrap: true, minWidth: 14 },
    { header: 'KMS host', value: (r) => hostWord(r.host, r.status), wrap: true, minWidth: 12 },
    // `address status ms`: a tested address never cut, the list broken between addresses
    { header: 'Addresses (TCP connect)', value: addressesText, wrap: 'list', minWidth: 20, maxWidth: 400 },
  ];
}

function domainLine(d: DiscoveryDomainReport): string {
  const asked = `${d.name} via ${d.dnsServer}, ${d.tookMs} ms`;
  if (d.status === 'found') return `${d.domain}: found, ${d.records.length} record${d.records.length === 1 ? '' : 's'} (${asked})`;
  if (d.status === 'no-record') return `${d.domain}: no record${d.detail ? ` (${d.detail})` : ''} (${asked})`;
  // a failed lookup says nothing about the zone: never written as "no record"
  const why = d.detail ?? d.failure ?? 'no answer';
  return `${d.domain}: check failed: ${why} (${asked}); whether a record exists is not known`;
}

/**
 * The Discovery section's body (the title is the caller's). `terminalWidth`: tables fit it and text
 * wraps at it (at 100 when unlimited).
 */
export function discoveryText(discovery: DiscoveryReport | null, time: TimeFormat, terminalWidth?: number): string {
  const width = terminalWidth ?? 100;
  const table: TableOptions = { width: terminalWidth, indent: '    ' };
  if (discovery === null) {
    return `${lines('kmswatch discover has not run: no DNS check is stored. Run `kmswatch discover` to check the _vlmcs._tcp SRV records and TCP 1688 of each target (discover.collect: true in the config runs it after each collect).', width, '  ').join('\n')}\n`;
  }
  const d = discovery;
  const out: string[] = [];
  out.push(...lines(`Checked ${time(d.checkedAt)} (${d.checkedAt}) from ${printable(d.seenFrom)}.`, width, '  '));
  // the analysis' note says what a check from here cannot see; the caveat stands without it too
  out.push(...lines(printable(d.note || `Seen from ${d.seenFrom}, not from a client's network.`), width, '  '));
  out.push(...lines(`DNS servers asked: ${d.dnsServers.map(printable).join(', ') || 'the system resolvers'}; connect timeout ${d.timeoutMs} ms.`, width, '  '));
  let body = `${out.join('\n')}\n`;
  if (d.domains.length === 0) body += '  no domain checked\n';
  for (const domain of d.domains) {
    body += `\n${lines(printable(domainLine(domain)), width, '  ').join('\n')}\n`;
    if (domain.records.length) body += renderTable(recordColumns(), domain.records, table);
  }
  body += d.findings.length ? `\n  Findings (worst first)\n${findingsText(d.findings, width).join('\n')}\n` : '\n  No finding: every domain publishes a known host that answered.\n';
  return body;
}

interface UnansweredGroup {
  hostTried: string | null;
  host: string | null;
  clients: UnansweredClient[];
}

/** Unanswered clients by the host they tried, most clients first. */
export function unansweredByHost(clients: readonly UnansweredClient[]): UnansweredGroup[] {
  const groups = new Map<string, UnansweredGroup>();
  for (const c of clients) {
    const key = (c.hostTried ?? '').toLowerCase();
    const g = groups.get(key) ?? { hostTried: c.hostTried, host: c.host, clients: [] };
    g.clients.push(c);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.clients.length - a.clients.length || (a.hostTried ?? '').localeCompare(b.hostTried ?? ''));
}

function unansweredText(clients: readonly UnansweredClient[], width: number): string[] {
  const out: string[] = [];
  for (const g of unansweredByHost(clients)) {
    const tried = g.hostTried === null ? 'no host named (0xC004F074: no KMS host could be contacted)' : `${printable(g.hostTried)}${g.host ? ` = ${printable(g.host)}` : ' (not a KMS host kmswatch knows)'}`;
    const silent = g.clients.filter((c) => c.reason === 'no-response').length;
    const how = [silent ? `${silent} no response` : '', g.clients.length - silent ? `${g.clients.length - silent} not contacted` : ''].filter(Boolean).join(', ');
    out.push(...lines(`${tried}: ${g.clients.length} client${g.clients.length === 1 ? '' : 's'} (${how}): ${cutList(g.clients.map((c) => c.machine))}`, width, '    '));
  }
  return out;
}

function clientHostColumns(time: TimeFormat): Column<ClientSideHost>[] {
  return [
    { header: 'Host named', value: (h) => (h.port === null ? h.name : `${h.name}:${h.port}`) },
    { header: 'KMS host', value: (h) => hostWord(h.host, h.status), wrap: true, minWidth: 12 },
    { header: 'Machines', value: (h) => h.machines },
    { header: 'Requests', value: (h) => h.requests },
    { header: 'Answered', value: (h) => h.answered },
    { header: 'Last', value: (h) => time(h.lastAt) },
  ];
}

function reportedColumns(time: TimeFormat): Column<ReportedCount>[] {
  return [
    { header: 'Host', value: (r) => r.host },
    { header: 'Application', value: (r) => r.application },
    { header: 'Minimum', value: (r) => r.minimumCount },
    { header: 'Reported', value: (r) => r.reported },
    { header: 'Computed', value: (r) => r.computed },
    { header: 'Diff', value: (r) => (r.difference > 0 ? `+${r.difference}` : String(r.difference)), align: 'right' },
    { header: 'At', value: (r) => time(r.reportedAt) },
    { header: 'Client', value: (r) => r.machine },
  ];
}

/** The Clients' side section's body (the title is the caller's). */
export function clientSideText(side: ClientSideReport | null | undefined, time: TimeFormat, terminalWidth?: number): string {
  const width = terminalWidth ?? 100;
  const table: TableOptions = { width: terminalWidth, indent: '    ' };
  if (!side || !clientEventsCollected(side)) {
    return `${lines("Clients' events are not collected (12288/12289 from the clients' Application logs, e.g. via Windows Event Forwarding or Winlogbeat).", width, '  ').join('\n')}\n`;
  }
  const out: string[] = [];
  out.push(...lines(`12288 sent ${side.requestsSent} · answered (12289) ${side.responses} · from ${side.machines} computer${side.machines === 1 ? '' : 's'} (a 12289 answers a 12288 of the same computer within ${side.pairingWindowMinutes} minutes)`, width, '  '));
  if (side.unanswered.length) {
    out.push(`  Unanswered: ${side.unanswered.length} client${side.unanswered.length === 1 ? '' : 's'} whose newest attempt got no answer, by host tried`);
    out.push(...unansweredText(side.unanswered, width));
  } else {
    out.push('  Unanswered: none (every client\'s newest attempt got an answer)');
  }
  let body = `${out.join('\n')}\n`;
  body += side.hosts.length ? `\n  Hosts clients use (most used first)\n${renderTable(clientHostColumns(time), side.hosts, table)}` : '';
  const differing = side.reportedCounts.filter((r) => r.difference !== 0);
  if (differing.length) body += `\n  Count the host reported to a client vs kmswatch's count (where they differ)\n${renderTable(reportedColumns(time), differing, table)}`;
  else if (side.reportedCounts.length) body += `  Counts the hosts reported to clients match kmswatch's (${side.reportedCounts.length} compared).\n`;
  if (side.findings.length) body += `\n  Findings (worst first)\n${findingsText(side.findings, width).join('\n')}\n`;
  return body;
}
