import { describe, expect, it } from 'vitest';
import { changedStates, evaluateAlerts } from '../../src/alerts/run.js';
import { hasNews, markNotified, pendingAlerts, reconcile } from '../../src/alerts/state.js';
import type { AlertCandidate } from '../../src/alerts/types.js';
import type { AlertState } from '../../src/store/types.js';
import { onlyRules, storeWith } from './evaluate.js';
import { AT, cmid, DAY, HOUR, req } from './records.js';

function candidate(id: string, severity: AlertCandidate['severity'] = 'warning'): AlertCandidate {
  return { id, rule: 'idle-host', severity, host: 'kms01', summary: `summary of ${id}`, title: `title of ${id}`, remedy: 'remedy', details: {}, clients: [] };
}

/** The states after a digest of everything pending went out at `at`. */
function mailed(states: AlertState[], at: number): AlertState[] {
  const changed = markNotified(pendingAlerts(states), at);
  return states.map((s) => changed.find((m) => m.id === s.id) ?? s);
}

describe('reconcile', () => {
  it('opens, keeps, resolves; a resolution is reported once', () => {
    const t1 = AT;
    const t2 = AT + HOUR;
    const t3 = AT + 2 * HOUR;
    let states = reconcile([], [candidate('a'), candidate('b')], t1);
    expect(pendingAlerts(states).opened.map((s) => s.id)).toEqual(['a', 'b']);
    states = reconcile(states, [candidate('a'), candidate('b')], t1); // same run again, nothing mailed yet
    expect(pendingAlerts(states).opened).toHaveLength(2);
    states = mailed(states, t1);

    // t2: a still there, b gone.
    states = reconcile(states, [candidate('a')], t2);
    const p2 = pendingAlerts(states);
    expect(p2.opened).toEqual([]);
    expect(p2.resolved.map((s) => [s.id, s.resolvedAt])).toEqual([['b', t2]]);
    expect(p2.ongoing.map((s) => [s.id, s.firstSeen, s.lastSeen])).toEqual([['a', t1, t2]]);
    states = mailed(states, t2);

    // t3: same situation → nothing new, nothing resolved again.
    states = reconcile(states, [candidate('a')], t3);
    expect(hasNews(pendingAlerts(states))).toBe(false);
  });

  it('an alert that comes back after resolution opens again with a new firstSeen', () => {
    let states = reconcile([], [candidate('a')], AT);
    states = markNotified(pendingAlerts(states), AT);
    states = reconcile(states, [], AT + HOUR);
    states = states.map((s) => ({ ...s, resolvedNotifiedAt: AT + HOUR }));
    states = reconcile(states, [candidate('a')], AT + 2 * HOUR);
    expect(states).toMatchObject([{ id: 'a', status: 'open', firstSeen: AT + 2 * HOUR, notifiedAt: null, resolvedAt: null }]);
  });

  it('a rise in severity is news again, a fall is not', () => {
    let states = markNotified(pendingAlerts(reconcile([], [candidate('a', 'warning')], AT)), AT);
    states = reconcile(states, [candidate('a', 'critical')], AT + HOUR);
    expect(pendingAlerts(states).opened.map((s) => [s.id, s.severity, s.firstSeen])).toEqual([['a', 'critical', AT]]);
    states = markNotified(pendingAlerts(states), AT + HOUR);
    states = reconcile(states, [candidate('a', 'warning')], AT + 2 * HOUR);
    expect(hasNews(pendingAlerts(states))).toBe(false);
  });

  it('an alert resolved before it was ever mailed is not mailed as resolved', () => {
    let states = reconcile([], [candidate('a')], AT);
    states = reconcile(states, [], AT + HOUR);
    expect(hasNews(pendingAlerts(states))).toBe(false);
    expect(states[0]).toMatchObject({ status: 'resolved', resolvedAt: AT + HOUR });
  });
});

describe('evaluateAlerts with the store', () => {
  it('repeated runs do not repeat an open alert; recovery is reported once', async () => {
    // kms01: 3 Windows CMIDs → count 3 < 25 (critical) at AT.
    const store = await storeWith(Array.from({ length: 3 }, (_, i) => req('kms01', AT - (i + 1) * HOUR, cmid('w', i + 1), `W${i + 1}`)));
    const rules = onlyRules(['lowCount']);

    const run1 = await evaluateAlerts(store, { at: AT, rules });
    const p1 = pendingAlerts(run1.states);
    // the stored log begins 3 hours before AT: a partial count (docs/definitions.md)
    expect(p1.opened.map((s) => [s.id, s.summary])).toEqual([['low-count:kms01:Windows:25', 'Windows count 3 < 25 (partial)']]);
    await store.saveAlertStates!(markNotified(p1, AT));

    // One hour later, a 4th client: still below 25 — same alert id, not news, summary updated.
    await store.writeBatch([req('kms01', AT + 30 * 60_000, cmid('w', 4), 'W4')]);
    const run2 = await evaluateAlerts(store, { at: AT + HOUR, rules });
    const p2 = pendingAlerts(run2.states);
    expect(hasNews(p2)).toBe(false);
    expect(p2.ongoing.map((s) => [s.summary, s.firstSeen, s.lastSeen])).toEqual([['Windows count 4 < 25 (partial)', AT, AT + HOUR]]);

    // 23 more clients (27 in all) → 27 ≥ 25 + 2: resolved, reported once.
    await store.writeBatch(Array.from({ length: 23 }, (_, i) => req('kms01', AT + DAY, cmid('x', i), `X${i}`)));
    const run3 = await evaluateAlerts(store, { at: AT + 2 * DAY, rules });
    const p3 = pendingAlerts(run3.states);
    expect(p3.resolved.map((s) => [s.id, s.resolvedAt])).toEqual([['low-count:kms01:Windows:25', AT + 2 * DAY]]);
    await store.saveAlertStates!(markNotified(p3, AT + 2 * DAY));

    const run4 = await evaluateAlerts(store, { at: AT + 2 * DAY + HOUR, rules });
    expect(hasNews(pendingAlerts(run4.states))).toBe(false);
    expect(await store.alertStates!()).toHaveLength(1);
  });

  it('dry run leaves the stored state alone', async () => {
    const store = await storeWith([req('kms01', AT - HOUR, 'a', 'A')]);
    await evaluateAlerts(store, { at: AT, rules: onlyRules(['lowCount']), dryRun: true });
    expect(await store.alertStates!()).toEqual([]);
  });
});

describe('changedStates', () => {
  it('keeps only new or modified states', () => {
    const a = reconcile([], [candidate('a'), candidate('b')], AT);
    const b = reconcile(a, [candidate('a')], AT); // a: lastSeen unchanged (same at), b: resolved
    expect(changedStates(a, b).map((s) => [s.id, s.status])).toEqual([['b', 'resolved']]);
    expect(changedStates(b, b)).toEqual([]);
  });
});
