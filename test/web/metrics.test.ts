import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { LAST_SUCCESS_KEY } from '../../src/collect/collect.js';
import type { Report } from '../../src/analysis/report.js';
import type { Store } from '../../src/store/types.js';
import { createApp } from '../../src/web/app.js';
import { COLLECT_SUCCESS_KEY } from '../../src/web/metrics.js';
import { AT, XSS_NAME } from './fleet.js';
import { fleetStore, referenceReport } from './helpers.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format 0.0.4: every line is a HELP, a TYPE or a sample;
 * label values are quoted with \\ \" \n escapes; every sample belongs to a family declared by TYPE.
 */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.split('\n').slice(0, -1)) {
    if (line === '') continue;
    let m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) continue;
    m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (m) {
      expect(types.has(m[1]), `TYPE twice for ${m[1]}`).toBe(false);
      types.set(m[1], m[2]);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/.exec(line);
    expect(m, `not a sample line: ${line}`).not.toBeNull();
    const [, name, labelText, valueText] = m!;
    const labels: Record<string, string> = {};
    if (labelText) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/gy;
      let consumed = 0;
      let lm: RegExpExecArray | null;
      while ((lm = re.exec(labelText))) {
        labels[lm[1]] = lm[2].replace(/\\(["\\n])/g, (_s, c: string) => (c === 'n' ? '\n' : c));
        consumed = re.lastIndex;
      }
      expect(consumed, `bad labels in: ${line}`).toBe(labelText.length);
    }
    const value = /^(NaN|[+-]Inf)$/.test(valueText) ? Number(valueText.replace('Inf', 'Infinity')) : Number(valueText);
    expect(Number.isNaN(value) && valueText !== 'NaN', `bad value in: ${line}`).toBe(false);
    expect(types.has(name), `sample before its TYPE: ${line}`).toBe(true);
    samples.push({ name, labels, value });
  }
  return { samples, types };
}

let store: Store;
let app: FastifyInstance;
let report: Report;
let text: string;

beforeAll(async () => {
  store = await fleetStore();
  await store.setMeta?.(COLLECT_SUCCESS_KEY, String(AT - 600_000));
  app = createApp({ store, timezone: 'UTC', now: () => AT, staticDir: null, version: '9.9.9', registry: new Registry() });
  report = (await referenceReport(store)) as Report;
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  text = res.body;
});
afterAll(async () => {
  await app.close();
  await store.close();
});

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('GET /metrics', () => {
  it('is well-formed Prometheus text with the documented names and types', () => {
    const { types } = parseExposition(text);
    expect(Object.fromEntries(types)).toMatchObject({
      kms_current_count: 'gauge',
      kms_required_count: 'gauge',
      kms_requests_total: 'counter',
      kms_last_request_timestamp_seconds: 'gauge',
      kms_dns_publishing_failures_total: 'counter',
      kms_duplicate_cmids: 'gauge',
      kms_clients_expiring: 'gauge',
      kms_collector_last_success_timestamp_seconds: 'gauge',
      kms_build_info: 'gauge',
    });
  });

  it('shows the report\'s numbers', () => {
    const { samples } = parseExposition(text);
    for (const h of report.hosts) {
      for (const c of h.counts) {
        expect(value(samples, 'kms_current_count', { host: h.host, application: c.application })).toBe(c.current);
        expect(value(samples, 'kms_required_count', { host: h.host, application: c.application })).toBe(c.thresholds[0].minimum);
      }
      const ok = value(samples, 'kms_requests_total', { host: h.host, result: 'success' })!;
      const failed = value(samples, 'kms_requests_total', { host: h.host, result: 'failure' })!;
      expect(ok + failed).toBe(h.requests);
      expect(value(samples, 'kms_last_request_timestamp_seconds', { host: h.host })).toBe(Date.parse(h.lastRequestAt!) / 1000);
      expect(value(samples, 'kms_dns_publishing_failures_total', { host: h.host })).toBe(h.dnsPublishFailures);
      expect(value(samples, 'kms_clients_expiring', { host: h.host, within: '14d' })).toBe(report.clients.expiring.filter((c) => c.host === h.host).length);
    }
    // fleet.ts: the only failures are BADPC's three on KMS01; the only clone is on kms02.
    expect(value(samples, 'kms_requests_total', { host: 'KMS01', result: 'failure' })).toBe(3);
    expect(value(samples, 'kms_request_errors_total', { host: 'KMS01', hresult: '0xC004F042' })).toBe(3);
    expect(value(samples, 'kms_duplicate_cmids', { host: 'kms02' })).toBe(1);
    expect(value(samples, 'kms_duplicate_cmids', { host: 'KMS01' })).toBe(0);
    expect(value(samples, 'kms_collector_last_success_timestamp_seconds', {})).toBe((AT - 600_000) / 1000);
    expect(value(samples, 'kms_build_info', { version: '9.9.9' })).toBe(1);
  });

  it('never labels a series with a client (and so never shows a machine name)', () => {
    const { samples } = parseExposition(text);
    const labelNames = new Set(samples.flatMap((s) => Object.keys(s.labels)));
    expect([...labelNames].sort()).toEqual(['application', 'host', 'hresult', 'result', 'version', 'within']);
    expect(text).not.toContain(XSS_NAME);
    expect(text).not.toContain('<img');
  });

  it('reads the collector time the collector writes', () => {
    expect(COLLECT_SUCCESS_KEY).toBe(LAST_SUCCESS_KEY);
  });
});
