import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/analysis/report.js';
import { renderJson } from '../../src/report/json.js';
import { renderReportCsv } from '../../src/report/report-csv.js';
import { renderReportSummary, renderReportText } from '../../src/report/report-text.js';
import { createMemoryStore } from '../../src/store/memory.js';
import { AT, DAY, FULL, SHORT, hostLog, partialFleet } from '../helpers/partial-fleet.js';
import { request } from '../store/fixtures/records.js';

const iso = (ms: number) => new Date(ms).toISOString();
const HOST = 'kms01.corp.example';
const KMS = 'Key Management Service';

/** Requests of HOST, one a day from `from` days before AT to `to` days before it, record ids from `firstId`. */
function stretch(from: number, to: number, firstId: number, source: string, recordIds = true) {
  return Array.from({ length: from - to + 1 }, (_, i) => request({
    host: HOST, time: AT - (from - i) * DAY, recordId: recordIds ? firstId + i : null, source, cmid: `00000000-0000-4000-8000-${String(firstId + i).padStart(12, '0')}`,
  }));
}

describe('coverage of the stored logs', () => {
  it('marks the counts of a host whose log covers 12 of the 30 days partial, in the report, its JSON, text and CSV', async () => {
    const report = await buildReport(await partialFleet(createMemoryStore()), { at: AT, timezone: 'UTC' });
    const short = report.hosts.find((h) => h.host === SHORT)!;
    const full = report.hosts.find((h) => h.host === FULL)!;
    // kms-short's first stored event is AT − 12 d (client 1's first renewal), after the window's
    // start AT − 30 d: nothing is known of the 18 days before it
    expect(short.partial).toBe(true);
    expect(short.counts.map((c) => [c.application, c.partial])).toEqual([['Windows', true]]);
    expect(short.coverage).toEqual([{
      log: KMS, firstEventAt: iso(AT - 12 * DAY), lastEventAt: iso(hostLog(SHORT, 12).at(-1)!.time), coversWindow: false,
      holes: [{ kind: 'before-first-event', from: iso(AT - 30 * DAY), to: iso(AT - 12 * DAY), firstMissingRecordId: null, lastMissingRecordId: null }],
      stretches: [expect.objectContaining({ source: `${SHORT}.evtx (evtx)`, zone: null, epoch: 0, firstRecordId: 1, lastRecordId: hostLog(SHORT, 12).length })],
    }]);
    // kms-full's log begins AT − 40 d and its record ids run without a gap
    expect(full.partial).toBe(false);
    expect(full.counts.map((c) => c.partial)).toEqual([false]);
    expect(full.coverage[0]).toMatchObject({ coversWindow: true, holes: [] });

    const json = JSON.parse(renderJson(report));
    expect(json.hosts.map((h: { host: string; partial: boolean; counts: { partial: boolean }[] }) => [h.host, h.partial, h.counts[0].partial])).toEqual([[FULL, false, false], [SHORT, true, true]]);
    const text = renderReportText(report);
    expect(text).toMatch(new RegExp(`${SHORT.replace(/\./g, '\\.')}\\s+Windows\\s+\\d+\\s+\\d+\\s+\\d+\\s+PARTIAL`));
    expect(text).toMatch(new RegExp(`${FULL.replace(/\./g, '\\.')}\\s+Windows\\s+\\d+\\s+\\d+\\s+\\d+\\s+whole`));
    expect(text).toContain(`! Partial (computed from less than the 30-day window, too low if anything): ${SHORT} (stored log from 2026-02-17 00:00)`);
    expect(renderReportSummary(report)).toContain(`- ${SHORT}: Windows ${short.counts[0].current} (partial)`);
    expect(renderReportCsv(report, 'counts')).toMatch(new RegExp(`^${SHORT.replace(/\./g, '\\.')},Windows,.*,true\\r$`, 'm'));
    expect(renderReportCsv(report, 'coverage').split('\r\n')[2]).toBe(
      `${SHORT},${KMS},${iso(AT - 12 * DAY)},${short.coverage[0].lastEventAt},false,true,${SHORT}.evtx (evtx),before-first-event,${iso(AT - 30 * DAY)},${iso(AT - 12 * DAY)},,`,
    );
  });

  it('flags record ids missing between two exports (a log that wrapped between two collections)', async () => {
    const store = createMemoryStore();
    // kms.evtx collected twice: ids 1-21 (AT − 40 d … AT − 20 d), then 501-510 (AT − 10 d … AT − 1 d)
    await store.writeBatch(stretch(40, 20, 1, 'kms.evtx (evtx)'));
    await store.writeBatch(stretch(10, 1, 501, 'kms.evtx (evtx)'));
    const h = (await buildReport(store, { at: AT, timezone: 'UTC' })).hosts[0];
    expect(h.coverage[0].holes).toEqual([{ kind: 'records-missing', from: iso(AT - 20 * DAY), to: iso(AT - 10 * DAY), firstMissingRecordId: 22, lastMissingRecordId: 500 }]);
    expect(h.partial).toBe(true);
    // the same gap before the window does not make the count partial
    const older = createMemoryStore();
    await older.writeBatch(stretch(60, 50, 1, 'kms.evtx (evtx)'));
    await older.writeBatch(stretch(40, 1, 501, 'kms.evtx (evtx)'));
    const o = (await buildReport(older, { at: AT, timezone: 'UTC' })).hosts[0];
    expect(o.coverage[0].holes.map((x) => x.kind)).toEqual(['records-missing']);
    expect(o.partial).toBe(false);
  });

  it('takes a save without record ids that spans the gap as covering it', async () => {
    const store = createMemoryStore();
    await store.writeBatch(stretch(40, 20, 1, 'kms.evtx (evtx)'));
    await store.writeBatch(stretch(10, 1, 501, 'kms.evtx (evtx)'));
    // an Event Viewer save of AT − 25 d … AT − 5 d (its requests have other CMIDs: new to the store)
    await store.writeBatch(stretch(25, 5, 9001, 'kms.csv (csv-eventviewer)', false));
    const h = (await buildReport(store, { at: AT, timezone: 'UTC' })).hosts[0];
    expect(h.coverage[0].holes).toEqual([]);
    expect(h.partial).toBe(false);
  });

  it('flags the time between the last event before a log clear and the first after it', async () => {
    const store = createMemoryStore();
    await store.writeBatch(stretch(40, 20, 100, 'a.evtx (evtx)'));
    // ids restart at 1 at AT − 8 d: the log was cleared; what happened after AT − 20 d is unknown
    await store.writeBatch(stretch(8, 1, 1, 'b.evtx (evtx)'));
    const report = await buildReport(store, { at: AT, timezone: 'UTC' });
    expect(report.logClears).toHaveLength(1);
    expect(report.hosts[0].coverage[0].holes).toEqual([{ kind: 'log-cleared', from: iso(AT - 20 * DAY), to: iso(AT - 8 * DAY), firstMissingRecordId: null, lastMissingRecordId: null }]);
    expect(report.hosts[0].partial).toBe(true);
  });

  it('does not call counts partial for a gap of under a day at a log clear (the log exported, then cleared)', async () => {
    const store = createMemoryStore();
    await store.writeBatch(stretch(40, 20, 100, 'a.evtx (evtx)'));
    // ids restart at 1 at AT − 20 d + 21 min (then one a day): 21 minutes without an event around the clear
    await store.writeBatch(Array.from({ length: 20 }, (_, i) => request({
      host: HOST, time: AT - 20 * DAY + 21 * 60_000 + i * DAY, recordId: 1 + i, source: 'b.evtx (evtx)', cmid: `00000000-0000-4000-8000-${String(500 + i).padStart(12, '0')}`,
    })));
    const report = await buildReport(store, { at: AT, timezone: 'UTC' });
    expect(report.logClears).toHaveLength(1);
    expect(report.hosts[0].coverage[0].holes.map((h) => h.kind)).toEqual(['log-cleared']);
    expect(report.hosts[0].partial).toBe(false);
  });

  it('names the zone each file\'s times were read in', async () => {
    const store = createMemoryStore();
    await store.writeBatch(stretch(40, 1, 1, 'kms.xml (xml)'));
    await store.writeBatch(stretch(3, 1, 9001, 'kms.csv (csv-export)', false).map((r) => ({ ...r, timeZone: 'Europe/Berlin' })));
    const h = (await buildReport(store, { at: AT, timezone: 'UTC' })).hosts[0];
    expect(h.coverage[0].stretches.map((s) => [s.source, s.zone])).toEqual([['kms.xml (xml)', null], ['kms.csv (csv-export)', 'Europe/Berlin']]);
    const text = renderReportText(await buildReport(store, { at: AT, timezone: 'UTC' }), { width: 200 });
    expect(text).toContain('kms.xml (xml), kms.csv (csv-export) in Europe/Berlin');
  });
});
