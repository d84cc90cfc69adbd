/**
 * "Can clients find the hosts?" on the overview (issue 27): the findings of the newest `kmswatch
 * discover` check and of the clients' own events, worst first with what to do; per domain the SRV
 * records and whether each address answered on TCP 1688; then the clients' side counts and the
 * unanswered clients. Every value lands through the dom helpers (text, never markup).
 */
import type { DiscoveryAddressReport, DiscoveryDomainReport, DiscoveryRecordReport, KnownHostStatus, ReportedCount, UnansweredClient } from '../../../analysis/types.js';
import { sortFindings } from '../../../analysis/findings.js';
import type { Overview, OverviewClientHost, OverviewClientSide, OverviewDiscovery, OverviewFinding } from '../../overview.js';
import { severityBadge } from './badge.js';
import { append, el, table, tokenText, type Column } from './dom.js';
import { num, plural, when } from './format.js';

/** Unanswered clients listed before "show all". */
const FIRST_UNANSWERED = 10;

function hostWord(host: string | null, status: KnownHostStatus): string {
  if (status === 'rogue') return 'ROGUE: not a host kmswatch knows';
  if (status === 'known') return `${host ?? ''} (known, log not collected)`;
  return host ?? '';
}

function clientsLine(f: OverviewFinding): HTMLElement | null {
  if (f.clientCount === 0) return null;
  const more = f.clientCount - f.clients.length;
  return el('p', { class: 'muted', 'data-field': 'clients' }, `${plural(f.clientCount, 'client')}: ${f.clients.join(', ')}${more > 0 ? ` and ${num(more)} more` : ''}`);
}

function findingItem(f: OverviewFinding): HTMLElement {
  return el(
    'li',
    { class: `alert sev-${f.severity}`, 'data-kind': f.kind },
    el('div', { class: 'health-head' }, severityBadge(f.severity), el('strong', { 'data-field': 'text' }, tokenText(f.text))),
    el('p', { class: 'remedy', 'data-field': 'remedy' }, el('b', {}, 'What to do: '), tokenText(f.remedy)),
    clientsLine(f),
  );
}

function addressText(a: DiscoveryAddressReport): string {
  return `${a.address}:${a.port} ${a.status} (${num(a.tookMs)} ms${a.status === 'error' && a.error ? `, ${a.error}` : ''})`;
}

const RECORD_COLUMNS: Column<DiscoveryRecordReport>[] = [
  { header: 'Target', field: 'target', value: (r) => `${r.target}:${r.port}`, primary: true },
  { header: 'KMS host', field: 'host', value: (r) => hostWord(r.host, r.status) },
  { header: 'Addresses (TCP)', field: 'addresses', value: (r) => (r.resolveStatus === 'resolved' ? r.addresses.map(addressText).join('\n') : `${r.resolveStatus === 'failed' ? 'address lookup failed' : 'no address'}${r.resolveDetail ? `: ${r.resolveDetail}` : ''}`), className: 'lines' },
  { header: 'Priority', field: 'priority', value: (r) => r.priority, numeric: true },
  { header: 'Weight', field: 'weight', value: (r) => r.weight, numeric: true },
  { header: 'Share', field: 'share', value: (r) => `${Math.round(r.share * 100)}%`, numeric: true },
  { header: 'TTL (s)', field: 'ttl', value: (r) => r.ttl, numeric: true },
];

function domainBlock(d: DiscoveryDomainReport): HTMLElement {
  const head =
    d.status === 'found'
      ? [severityBadge('ok', 'found'), ` ${plural(d.records.length, 'record')}`]
      : d.status === 'no-record'
        ? [severityBadge('warning', 'no record'), d.detail ? ` ${d.detail}` : '']
        : // a failed lookup is not "no record": whether one exists is not known
          [severityBadge('warning', 'check failed'), ` ${d.detail ?? d.failure ?? 'no answer'}: whether a record exists is not known`];
  const rows = d.records;
  const t = rows.length ? table('srv-records', RECORD_COLUMNS, rows, { caption: `SRV records of ${d.domain}` }) : null;
  // a target nobody knows stands out as a badge, not as a word in a cell
  t?.querySelectorAll<HTMLElement>('tbody td[data-field="host"]').forEach((td, i) => {
    if (rows[i].status === 'rogue') td.replaceChildren(severityBadge('critical', 'ROGUE'));
  });
  return el(
    'div',
    { class: 'srv-domain', 'data-domain': d.domain, 'data-status': d.status },
    el('p', { class: 'health-head' }, el('strong', { 'data-field': 'domain' }, tokenText(d.domain)), ...head),
    t,
  );
}

function discoveryPart(d: OverviewDiscovery | null): HTMLElement {
  if (d === null) return el('p', { class: 'empty', 'data-field': 'not-checked' }, 'DNS not checked yet — run kmswatch discover.');
  return el(
    'div',
    {},
    el('p', { class: 'muted', 'data-field': 'checked' }, `Checked ${when(d.checkedAt)} from `, tokenText(d.seenFrom), '. ', d.note || "Seen from there, not from a client's network."),
    ...d.domains.map(domainBlock),
  );
}

const UNANSWERED_COLUMNS: Column<UnansweredClient>[] = [
  { header: 'Machine', field: 'machine', value: (c) => c.machine, nowrap: true, primary: true },
  { header: 'Host tried', field: 'hostTried', value: (c) => c.hostTried ?? 'none named' },
  { header: 'Why', field: 'reason', value: (c) => (c.reason === 'no-response' ? 'no response' : `not contacted (${c.result})`) },
  { header: 'Attempts', field: 'attempts', value: (c) => c.attempts, numeric: true },
  { header: 'Last', field: 'lastAt', value: (c) => when(c.lastAt), nowrap: true },
];

const HOST_COLUMNS: Column<OverviewClientHost>[] = [
  { header: 'Host named', field: 'name', value: (h) => (h.port === null ? h.name : `${h.name}:${h.port}`), primary: true },
  { header: 'KMS host', field: 'host', value: (h) => hostWord(h.host, h.status) },
  { header: 'Machines', field: 'machines', value: (h) => h.machines, numeric: true },
  { header: 'Requests', field: 'requests', value: (h) => h.requests, numeric: true },
  { header: 'Answered', field: 'answered', value: (h) => h.answered, numeric: true },
  { header: 'Last', field: 'lastAt', value: (h) => when(h.lastAt), nowrap: true },
];

const COUNT_COLUMNS: Column<ReportedCount>[] = [
  { header: 'Host', field: 'host', value: (r) => r.host, nowrap: true, primary: true },
  { header: 'Application', field: 'application', value: (r) => r.application },
  { header: 'Reported', field: 'reported', value: (r) => r.reported, numeric: true },
  { header: 'kmswatch', field: 'computed', value: (r) => r.computed, numeric: true },
  { header: 'Minimum', field: 'minimumCount', value: (r) => r.minimumCount, numeric: true },
  { header: 'When', field: 'reportedAt', value: (r) => when(r.reportedAt), nowrap: true },
];

function unansweredList(c: OverviewClientSide): HTMLElement {
  const target = el('div', { 'data-field': 'unanswered' });
  const draw = (rows: readonly UnansweredClient[]) => {
    const shown = rows.length;
    const button = shown < c.unanswered.length ? el('button', { type: 'button', class: 'link', name: 'more-unanswered' }, `show ${num(c.unanswered.length - shown)} more`) : null;
    button?.addEventListener('click', () => draw(c.unanswered));
    const rest = c.unansweredCount - shown;
    target.replaceChildren();
    append(
      target,
      table('unanswered', UNANSWERED_COLUMNS, rows, { caption: 'Clients whose newest attempt got no answer' }),
      rest > 0 ? el('p', { class: 'muted' }, `${num(rest)} more not shown`, button ? ': ' : ' (kmswatch report lists them all)', button) : null,
    );
  };
  draw(c.unanswered.slice(0, FIRST_UNANSWERED));
  return target;
}

function clientSidePart(c: OverviewClientSide): HTMLElement {
  if (!c.collected) {
    return el('p', { class: 'empty', 'data-field': 'not-collected' }, "Clients' events are not collected: 12288/12289 are in each client's Application log (forward them with Windows Event Forwarding or Winlogbeat).");
  }
  return el(
    'div',
    {},
    el('p', { 'data-field': 'client-counts' },
      el('span', { class: 'nowrap' }, el('b', { 'data-field': 'requestsSent' }, num(c.requestsSent)), ' requests sent (12288)'), ' · ',
      el('span', { class: 'nowrap' }, el('b', { 'data-field': 'responses' }, num(c.responses)), ' answered (12289)'), ' · ',
      el('span', { class: 'nowrap' }, 'from ', plural(c.machines, 'computer')), ' · ',
      el('span', { class: 'nowrap' }, el('b', { 'data-field': 'unansweredCount' }, num(c.unansweredCount)), ' unanswered')),
    c.unansweredCount > 0 ? unansweredList(c) : el('p', { class: 'empty' }, "Every client's newest attempt got an answer."),
    c.hosts.length ? table('client-hosts', HOST_COLUMNS, c.hosts, { caption: 'Hosts clients use' }) : null,
    c.countsDiffering.length ? el('p', { class: 'muted' }, 'Counts a host reported to its clients that differ from kmswatch’s:') : null,
    c.countsDiffering.length ? table('counts-differing', COUNT_COLUMNS, c.countsDiffering, { caption: 'Reported vs computed counts' }) : null,
  );
}

/** What an overview from a server before issue 27 (without the field) stands for. */
const NOT_COLLECTED: OverviewClientSide = { collected: false, requestsSent: 0, responses: 0, machines: 0, pairingWindowMinutes: 0, unansweredCount: 0, unanswered: [], hosts: [], countsDiffering: [], findings: [] };

/** The overview's panel; `data-section="discovery"`. */
export function discoveryPanel(o: Pick<Overview, 'discovery' | 'clientSide'>): HTMLElement {
  const discovery = o.discovery ?? null;
  const clientSide = o.clientSide ?? NOT_COLLECTED;
  const findings: OverviewFinding[] = [...(discovery?.findings ?? []), ...clientSide.findings];
  sortFindings(findings); // worst first across both lists
  const quiet = discovery || clientSide.collected ? el('p', { class: 'empty' }, 'No finding: clients find a known host that answers.') : null;
  return el(
    'div',
    { class: 'discovery', 'data-section': 'discovery' },
    findings.length ? el('ul', { class: 'alert-list', 'data-field': 'findings' }, ...findings.map(findingItem)) : quiet,
    discoveryPart(discovery),
    el('h4', {}, "Clients' side"),
    clientSidePart(clientSide),
  );
}
