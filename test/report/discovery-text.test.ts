/**
 * `kmswatch report` text: the Discovery and Clients' side sections (issue 27), from hand-built
 * report values (test/report/discovery-fixture.ts). Expected lines are written from the fixture's
 * numbers by hand.
 */
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/report/cells.js';
import { clientSideText, discoveryText } from '../../src/report/discovery-text.js';
import { renderReportText } from '../../src/report/report-text.js';
import { clientSide, discoveryCheck, emptyReport, noClientEvents, unansweredClients } from './discovery-fixture.js';

const iso = (t: string | null) => t ?? '';
// wide enough that no sentence of the fixture wraps: each expectation is one line
const WIDE = 400;

describe('Discovery section', () => {
  const text = discoveryText(discoveryCheck(), iso, WIDE);
  const lines = text.split('\n');

  it('says when and from where the check ran, and that it is not a client\'s view', () => {
    expect(lines[0]).toBe('  Checked 2026-12-07T10:00:00.000Z (2026-12-07T10:00:00.000Z) from mon01.');
    expect(lines[1]).toBe("  Seen from mon01, not from a client's network: a firewall between the clients and a host is not seen here.");
    // without the analysis' note the caveat is still said
    const bare = discoveryText({ ...discoveryCheck(), note: '' }, iso, WIDE).split('\n');
    expect(bare[1]).toBe("  Seen from mon01, not from a client's network.");
  });

  it('gives each domain its lookup status, and a failed lookup is never "no record"', () => {
    expect(lines.some((l) => l.startsWith('  contoso.com: found, 2 records (_vlmcs._tcp.contoso.com via 10.0.0.1:53, 12 ms)'))).toBe(true);
    expect(lines.some((l) => l.startsWith('  fabrikam.com: no record (NXDOMAIN)'))).toBe(true);
    const corp = lines.find((l) => l.startsWith('  corp.local:'));
    expect(corp).toMatch(/^ {2}corp\.local: check failed: timed out after 2000 ms/);
    expect(corp).not.toMatch(/no record/);
  });

  it('lists each record with priority, weight, share, TTL, target, host or ROGUE and tested addresses', () => {
    const kms01 = lines.find((l) => l.includes('kms01.contoso.com'));
    // priority 0, weight 30, share 30/40 = 75 %, TTL 3600
    expect(kms01?.trim().split(/ {2,}/)).toEqual(['0', '30', '75%', '3600', 'kms01.contoso.com:1688', 'KMS01.contoso.com', '10.0.0.5 reachable 3 ms']);
    const rogue = lines.find((l) => l.includes('203.0.113.9'));
    expect(rogue?.trim().split(/ {2,}/)).toEqual(['0', '10', '25%', '600', 'evil\\x1b[31m.example.test:1688', 'ROGUE', '203.0.113.9 timeout 2000 ms']);
  });

  it('lists the findings worst first, each with what to do', () => {
    const critical = lines.findIndex((l) => l.trimStart().startsWith('CRITICAL'));
    const warning = lines.findIndex((l) => l.trimStart().startsWith('WARNING'));
    const info = lines.findIndex((l) => l.trimStart().startsWith('INFO'));
    expect(critical).toBeGreaterThan(0);
    expect(critical).toBeLessThan(warning);
    expect(warning).toBeLessThan(info);
    expect(lines[critical + 2]).toBe('      What to do: Remove the record unless the host is yours; then list it in discover.knownHosts.');
    expect(lines[critical + 3]).toBe('      Clients: PC-\\u202eEVIL');
  });

  it('lets no terminal control from DNS or a log through', () => {
    const all = renderReportText(emptyReport({ discovery: discoveryCheck(), clientSide: clientSide() }));
    expect(all).not.toMatch(/[\u001b\u202e]/);
    expect(all).toContain('evil\\x1b[31m.example.test');
  });

  it('says in one line how to run the check when none is stored', () => {
    const none = discoveryText(null, iso, WIDE);
    expect(none.trimEnd().split('\n')).toHaveLength(1);
    expect(none).toContain('kmswatch discover has not run');
    expect(none).toContain('Run `kmswatch discover`');
  });

  it('fits a narrow terminal', () => {
    for (const line of discoveryText(discoveryCheck(), iso, 80).trimEnd().split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(80);
  });
});

describe("Clients' side section", () => {
  const text = clientSideText(clientSide(), iso, WIDE);
  const lines = text.split('\n');

  it('counts requests sent and answered', () => {
    expect(lines[0]).toBe('  12288 sent 40 · answered (12289) 30 · from 25 computers (a 12289 answers a 12288 of the same computer within 10 minutes)');
  });

  it('groups unanswered clients by host tried and cuts a long list after 10 names', () => {
    // 13 + 1 unanswered; PC-001…PC-010 listed, 13 − 10 = 3 more
    expect(text).toContain('  Unanswered: 14 clients whose newest attempt got no answer, by host tried');
    expect(lines).toContain(
      '    kms02.contoso.com:1688 (not a KMS host kmswatch knows): 13 clients (13 no response): PC-001, PC-002, PC-003, PC-004, PC-005, PC-006, PC-007, PC-008, PC-009, PC-010 and 3 more',
    );
    expect(lines).toContain('    no host named (0xC004F074: no KMS host could be contacted): 1 client (1 not contacted): LAPTOP-9');
    // the bigger group first
    expect(lines.findIndex((l) => l.includes('kms02.contoso.com:1688 ('))).toBeLessThan(lines.findIndex((l) => l.includes('LAPTOP-9')));
  });

  it('lists ten names exactly without "more"', () => {
    const ten = clientSideText({ ...clientSide(), unanswered: unansweredClients(10), findings: [] }, iso, WIDE);
    expect(ten).toContain('10 clients (10 no response): PC-001, PC-002, PC-003, PC-004, PC-005, PC-006, PC-007, PC-008, PC-009, PC-010\n');
    expect(ten).not.toContain('more');
  });

  it('names the hosts clients use with their status', () => {
    const kms02 = lines.find((l) => l.trimStart().startsWith('kms02.contoso.com:1688  '));
    // machines 13, requests 26, answered 0
    expect(kms02?.trim().split(/ {2,}/)).toEqual(['kms02.contoso.com:1688', 'ROGUE', '13', '26', '0', '2026-12-07T09:00:00.000Z']);
  });

  it('shows reported vs computed counts only where they differ', () => {
    // Windows: reported 30, computed 27, difference +3; Office 7 = 7 is left out
    const windows = lines.find((l) => l.includes('Windows'));
    expect(windows?.trim().split(/ {2,}/)).toEqual(['KMS01.contoso.com', 'Windows', '25', '30', '27', '+3', '2026-12-07T11:00:00.000Z', 'PC-100']);
    expect(lines.some((l) => l.includes('Office'))).toBe(false);
  });

  it('says in one line that clients\' events are not collected when there are none', () => {
    const none = clientSideText(noClientEvents(), iso, WIDE);
    expect(none.trimEnd().split('\n')).toHaveLength(1);
    expect(none).toContain("Clients' events are not collected");
    expect(none).toMatch(/12288\/12289 from the clients' Application logs/);
    expect(none).toMatch(/Windows Event Forwarding or Winlogbeat/);
  });
});

describe('kmswatch report', () => {
  it('puts both sections after the hosts part and before the clones', () => {
    const text = renderReportText(emptyReport({ discovery: discoveryCheck(), clientSide: clientSide() }));
    const at = (title: string) => text.indexOf(`\n${title}`);
    expect(at('KMS counts')).toBeGreaterThan(0);
    expect(at('Discovery (')).toBeGreaterThan(at('KMS counts'));
    expect(at("Clients' side (")).toBeGreaterThan(at('Discovery ('));
    expect(at('Clones')).toBeGreaterThan(at("Clients' side ("));
  });
});
