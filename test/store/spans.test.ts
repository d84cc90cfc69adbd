import { describe, expect, it } from 'vitest';
import { mergeSpan } from '../../src/store/spans.js';
import type { LogSpan } from '../../src/store/types.js';

const span = (over: Partial<LogSpan>): LogSpan => ({
  hostKey: 'kms01', channel: 'Key Management Service', epoch: 0, source: 'kms.evtx (evtx)', spanKey: '', firstTime: 0, lastTime: 0,
  firstRecordId: null, lastRecordId: null, events: 0, zone: null, ...over,
});

describe('mergeSpan (docs/definitions.md "coverage")', () => {
  it('joins a stretch of the KMS log to one it continues, adding their events, and keeps one beyond a gap apart', () => {
    const stored = [span({ spanKey: 'r1', firstRecordId: 1, lastRecordId: 100, firstTime: 1000, lastTime: 2000, events: 100 })];
    // 101-150 continues 1-100: one stretch of 150 events
    expect(mergeSpan(stored, span({ firstRecordId: 101, lastRecordId: 150, firstTime: 2100, lastTime: 2500, events: 50 }))).toEqual({
      remove: ['r1'],
      write: span({ spanKey: 'r1', firstRecordId: 1, lastRecordId: 150, firstTime: 1000, lastTime: 2500, events: 150 }),
    });
    // 1-120 read again (an export collected later): the same records, the larger count
    expect(mergeSpan(stored, span({ firstRecordId: 1, lastRecordId: 120, firstTime: 1000, lastTime: 2200, events: 120 })).write).toMatchObject({ firstRecordId: 1, lastRecordId: 120, events: 120 });
    // 102-150: record 101 is missing, a stretch of its own
    expect(mergeSpan(stored, span({ spanKey: 'r102', firstRecordId: 102, lastRecordId: 150, firstTime: 2100, lastTime: 2500, events: 49 }))).toEqual({
      remove: [],
      write: span({ spanKey: 'r102', firstRecordId: 102, lastRecordId: 150, firstTime: 2100, lastTime: 2500, events: 49 }),
    });
  });

  it('joins the stretches of one source of the Application log whole: record ids say nothing there', () => {
    const app = (over: Partial<LogSpan>) => span({ channel: 'Application', source: 'app.xml (xml)', ...over });
    const stored = [app({ spanKey: 'r88001', firstRecordId: 88001, lastRecordId: 88001, firstTime: 1000, lastTime: 1000, events: 1 })];
    expect(mergeSpan(stored, app({ firstRecordId: 90500, lastRecordId: 90500, firstTime: 9000, lastTime: 9000, events: 1 })).write).toMatchObject({
      spanKey: 'r88001', firstRecordId: 88001, lastRecordId: 90500, firstTime: 1000, lastTime: 9000, events: 2,
    });
  });

  it('joins stretches without record ids whose times overlap, and keeps the zone they were read in', () => {
    const stored = [span({ spanKey: 't1', firstTime: 1000, lastTime: 5000, events: 3, zone: 'Europe/Berlin' })];
    expect(mergeSpan(stored, span({ firstTime: 4000, lastTime: 9000, events: 2, zone: 'Europe/Berlin' })).write).toMatchObject({ spanKey: 't1', firstTime: 1000, lastTime: 9000, events: 3, zone: 'Europe/Berlin' });
    expect(mergeSpan(stored, span({ spanKey: 't6', firstTime: 6000, lastTime: 9000, events: 2 })).remove).toEqual([]);
  });
});
