// `report --json` is a public scripting interface (issue 2 §6): this test fails when a field of
// the contract disappears or changes type. New fields are allowed.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/analysis/report.js';
import { renderJson } from '../../src/report/json.js';
import { renderReportCsv, REPORT_CSV_SECTIONS } from '../../src/report/report-csv.js';
import { renderReportSummary, renderReportText } from '../../src/report/report-text.js';
import type { Report } from '../../src/analysis/types.js';
import { AT, fleetStore } from '../analysis/fleet.js';

let report: Report;
let json: any;

beforeAll(async () => {
  report = await buildReport(await fleetStore(), { at: AT, timezone: 'Europe/Berlin' });
  json = JSON.parse(renderJson(report));
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function expectShape(value: any, shape: Record<string, string>, where: string): void {
  for (const [key, type] of Object.entries(shape)) {
    expect(value, `${where} has ${key}`).toHaveProperty(key);
    const v = value[key];
    if (type === 'iso') expect(v, `${where}.${key}`).toMatch(ISO);
    else if (type === 'iso|null') expect(v === null || ISO.test(v), `${where}.${key}`).toBe(true);
    else if (type === 'array') expect(Array.isArray(v), `${where}.${key}`).toBe(true);
    else if (type === 'hresult') expect(v, `${where}.${key}`).toMatch(/^0x[0-9A-F]{1,8}$/);
    else expect(typeof v, `${where}.${key}`).toBe(type);
  }
}

describe('report --json contract', () => {
  it('top level', () => {
    expectShape(json, { at: 'iso', timezone: 'string', totals: 'object', hosts: 'array', clones: 'array', failures: 'array', clients: 'object', products: 'array', anomalies: 'array' }, 'report');
    expectShape(json.totals, { requests: 'number', clients: 'number', machines: 'number', hosts: 'number', anomalies: 'number' }, 'totals');
    expectShape(json.clients, { byState: 'object', expiring: 'array', lapsed: 'array' }, 'clients');
  });

  it('hosts, counts and thresholds', () => {
    const withCounts = json.hosts.find((h: any) => h.counts.length > 0);
    expectShape(withCounts, { host: 'string', aliases: 'array', requests: 'number', lastRequestAt: 'iso|null', dnsPublishFailures: 'number', logClears: 'number', counts: 'array' }, 'hosts[]');
    expectShape(withCounts.counts[0], { application: 'string', current: 'number', active: 'number', cap: 'number', thresholds: 'array' }, 'counts[]');
    expectShape(withCounts.counts[0].thresholds[0], { minimum: 'number', clients: 'number', met: 'boolean' }, 'thresholds[]');
  });

  it('health, newest event and stale notice (issue 25)', () => {
    expectShape(json, { health: 'array', newestEventAt: 'iso|null' }, 'report');
    expect(json).toHaveProperty('stale');
    expect(json.stale === null || typeof json.stale.text === 'string').toBe(true);
    expectShape(json.health[0], { host: 'string', status: 'string', severity: 'string', active: 'number', threshold: 'number', thresholdFor: 'string', text: 'string', conditions: 'array' }, 'health[]');
    expect(json.health[0]).toHaveProperty('application');
    expect(json.health[0]).toHaveProperty('marginDays');
    expect(json.health[0]).toHaveProperty('remedy');
    expectShape(json.health[0].conditions[0], { status: 'string', text: 'string' }, 'health[].conditions[]');
  });

  it('clones and failures', () => {
    expectShape(json.clones[0], { cmid: 'string', machines: 'array', firstSeen: 'iso', lastSeen: 'iso' }, 'clones[]');
    expectShape(json.failures[0], { machine: 'string', cmid: 'string', result: 'hresult', meaning: 'string', requests: 'number', lastAt: 'iso' }, 'failures[]');
  });
});

describe('rendered report', () => {
  it('names the zone and lists log clears and anomalies', () => {
    const text = renderReportText(report, { width: 100 });
    expect(text).toContain('Times are shown in Europe/Berlin');
    expect(text).toMatch(/Log clears\n.*Host.*Channel/);
    expect(text).toContain("'; DROP TABLE requests; --");
    expect(text).toMatch(/Anomalies \(2\)/);
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(renderReportSummary(report)).toContain('zone Europe/Berlin');
  });

  it('every CSV section has a header line and CRLF line ends', () => {
    for (const section of REPORT_CSV_SECTIONS) {
      const csv = renderReportCsv(report, section);
      expect(csv.endsWith('\r\n'), section).toBe(true);
      expect(csv.split('\r\n')[0].length, section).toBeGreaterThan(0);
    }
    // counts: kms01 Windows 25 + 5, kms01 Office 5, kms02 Windows 5, kms03 Windows 25 → 5 rows.
    expect(renderReportCsv(report, 'counts').trimEnd().split('\r\n')).toHaveLength(6);
  });
});
