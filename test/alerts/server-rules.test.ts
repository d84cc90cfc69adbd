import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAlertRules } from '../../src/alerts/load-config.js';
import { currentAlerts } from '../../src/alerts/run.js';
import { storeWith } from './evaluate.js';
import { AT, HOUR, req } from './records.js';

describe('the rules a server evaluates come from its --config', () => {
  it('loadAlertRules reads the alerts: section; currentAlerts evaluates with it and stores nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-rules-'));
    const file = path.join(dir, 'kmswatch.yaml');
    writeFileSync(file, 'alerts:\n  idleHost: { hours: 100 }\n  lowCount: { enabled: false }\n');
    // kms01's only request is 50 h old: idle under the default 24 h, not under the file's 100 h
    const store = await storeWith([req('kms01', AT - 50 * HOUR, 'a', 'A')]);
    const byDefault = await currentAlerts(store, AT, await loadAlertRules());
    expect(byDefault.map((a) => a.rule)).toContain('idle-host');
    expect(byDefault.find((a) => a.rule === 'idle-host')?.title).toBe('kms01 has served no activation request for 2 days 2 hours (last 2026-02-26 22:00 UTC)');
    const fromFile = await currentAlerts(store, AT, await loadAlertRules(file));
    expect(fromFile.map((a) => a.rule)).not.toContain('idle-host');
    expect(fromFile.map((a) => a.rule)).not.toContain('low-count');
    expect(await store.alertStates!()).toEqual([]);
  });
});
