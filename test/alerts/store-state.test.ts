import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../src/alerts/run.js';
import { hasNews, markNotified, pendingAlerts } from '../../src/alerts/state.js';
import type { AlertState } from '../../src/store/types.js';
import { backendFactory, selectedBackends, type BackendFactory } from '../store/contract/backends.js';
import { onlyRules } from './evaluate.js';
import { AT, HOUR, cmid, req } from './records.js';

function state(id: string, over: Partial<AlertState> = {}): AlertState {
  return {
    id,
    rule: 'idle-host',
    severity: 'warning',
    host: 'kms01',
    summary: 'no activation request for 30 h',
    details: '{"idleHours":30}',
    status: 'open',
    firstSeen: AT,
    lastSeen: AT + HOUR,
    resolvedAt: null,
    notifiedAt: null,
    resolvedNotifiedAt: null,
    ...over,
  };
}

for (const backend of selectedBackends()) {
  describe(`${backend}: alert state and meta`, () => {
    let factory: BackendFactory;
    beforeAll(async () => {
      factory = await backendFactory(backend);
    });
    afterAll(async () => factory?.dispose());

    it('saves, reads back and upserts alert states by id', async () => {
      const store = await factory.open();
      // the contract does not fix an order
      const sorted = async () => (await store.alertStates!()).sort((x, y) => x.id.localeCompare(y.id));
      expect(await store.alertStates!()).toEqual([]);
      const a = state('idle-host:kms01');
      const b = state('clone:abc', { rule: 'clone', host: null, severity: 'critical', details: '{"machines":["<x>","y"]}', notifiedAt: AT + 2 * HOUR });
      await store.saveAlertStates!([a, b]);
      expect(await sorted()).toEqual([b, a]);
      const resolved = { ...a, status: 'resolved' as const, resolvedAt: AT + 5 * HOUR, resolvedNotifiedAt: AT + 6 * HOUR, summary: 'x' };
      await store.saveAlertStates!([resolved]);
      expect(await sorted()).toEqual([b, resolved]);
      await store.saveAlertStates!([]);
      expect(await store.alertStates!()).toHaveLength(2);
    });

    it('keeps meta values', async () => {
      const store = await factory.open();
      expect(await store.getMeta!('collect.last_success')).toBeNull();
      await store.setMeta!('collect.last_success', String(AT));
      await store.setMeta!('collect.last_success', String(AT + HOUR));
      await store.setMeta!('collect.file:/x/y.evtx', '3016:1700000000000');
      expect(await store.getMeta!('collect.last_success')).toBe(String(AT + HOUR));
      expect(await store.getMeta!('collect.file:/x/y.evtx')).toBe('3016:1700000000000');
    });

    it('repeated evaluations do not repeat an open alert', async () => {
      // 3 Windows CMIDs → count 3 < 25 (critical), as in state.test.ts, on this backend.
      const store = await factory.open();
      await store.writeBatch(Array.from({ length: 3 }, (_, i) => req('kms01', AT - (i + 1) * HOUR, cmid('w', i + 1), `W${i + 1}`)));
      const rules = onlyRules(['lowCount']);
      const p1 = pendingAlerts((await evaluateAlerts(store, { at: AT, rules })).states);
      expect(p1.opened.map((s) => s.id)).toEqual(['low-count:kms01:Windows:25']);
      await store.saveAlertStates!(markNotified(p1, AT));
      const p2 = pendingAlerts((await evaluateAlerts(store, { at: AT + HOUR, rules })).states);
      expect(hasNews(p2)).toBe(false);
      expect(p2.ongoing.map((s) => [s.firstSeen, s.lastSeen, s.notifiedAt])).toEqual([[AT, AT + HOUR, AT]]);
    });
  });
}
