import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertConfigError } from '../../src/alerts/errors.js';
import { loadConfig, parseConfigText } from '../../src/alerts/load-config.js';

function errorOf(fn: () => unknown): AlertConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AlertConfigError) return err;
    throw err;
  }
  throw new Error('expected an AlertConfigError');
}

describe('config loader', () => {
  it('no file gives the documented defaults', async () => {
    const cfg = await loadConfig();
    expect(cfg.sources).toEqual([]);
    expect(cfg.mail.always).toBe(false);
    expect(cfg.alerts.lowCount).toEqual({ enabled: true, margin: 2 });
    expect(cfg.alerts.idleHost.hours).toBe(24);
    expect(cfg.alerts.forecast.horizonDays).toBe(14);
    expect(cfg.alerts.expiring.days).toBe(14);
    expect(cfg.alerts.failureSpike).toEqual({ enabled: true, hours: 24, minRequests: 10, minMachines: 3 });
  });

  it('reads YAML with partial rules and keeps the other defaults', () => {
    const cfg = parseConfigText(
      ['sources:', '  - files: exports/*.evtx', '  - wevtutil: kms01', 'mail:', '  to: [a@contoso.com, b@contoso.com]', 'alerts:', '  idleHost: { hours: 6, severity: critical }', '  clone: { enabled: false }'].join('\n'),
      'kmswatch.yaml',
    );
    expect(cfg.sources).toEqual([{ files: 'exports/*.evtx' }, { wevtutil: 'kms01', application: true }]);
    expect(cfg.alerts.idleHost).toEqual({ enabled: true, hours: 6, severity: 'critical' });
    expect(cfg.alerts.clone.enabled).toBe(false);
    expect(cfg.alerts.lowCount.margin).toBe(2);
  });

  it('reads JSON', () => {
    const cfg = parseConfigText('{"alerts": {"expiring": {"days": 7}}}', 'k.json');
    expect(cfg.alerts.expiring.days).toBe(7);
  });

  it('names the file and the path of a bad value', () => {
    const err = errorOf(() => parseConfigText('alerts:\n  idleHost:\n    hours: -3\n', 'conf/kmswatch.yaml'));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.keyPath).toBe('alerts.idleHost.hours');
    expect(err.message).toMatch(/^conf\/kmswatch\.yaml: alerts\.idleHost\.hours: /);
  });

  it('names an unknown key (a typo must not be silently ignored)', () => {
    const err = errorOf(() => parseConfigText('alerts:\n  idleHost:\n    hour: 3\n', 'k.yaml'));
    expect(err.keyPath).toBe('alerts.idleHost.hour');
  });

  it('names a bad source and a bad SMTP URL', () => {
    expect(errorOf(() => parseConfigText('sources:\n  - {}\n', 'k.yaml')).keyPath).toBe('sources.0.files');
    // a file source with a bad format: the files branch is the one meant
    expect(errorOf(() => parseConfigText('sources:\n  - { files: a.csv, format: docx }\n', 'k.yaml')).keyPath).toBe('sources.0.format');
    expect(errorOf(() => parseConfigText('sources:\n  - { wevtutil: kms01, application: maybe }\n', 'k.yaml')).keyPath).toBe('sources.0.application');
    expect(errorOf(() => parseConfigText('mail:\n  smtp: http://relay\n', 'k.yaml')).keyPath).toBe('mail.smtp');
  });

  it('reports YAML syntax errors with the line', () => {
    const err = errorOf(() => parseConfigText('alerts:\n  idleHost: {hours: 3\n', 'k.yaml'));
    expect(err.code).toBe('CONFIG_PARSE');
    expect(err.message).toMatch(/^k\.yaml:\d+: not valid YAML\/JSON/);
  });

  it('a missing file is a CONFIG_READ error naming it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kmswatch-cfg-'));
    await expect(loadConfig(path.join(dir, 'missing.yaml'))).rejects.toMatchObject({ name: 'AlertConfigError', code: 'CONFIG_READ' });
    const file = path.join(dir, 'ok.yaml');
    await writeFile(file, 'alerts:\n  anomalies: { lookbackDays: 3 }\n');
    expect((await loadConfig(file)).alerts.anomalies.lookbackDays).toBe(3);
  });
});
