/**
 * What the offline page says about a file with no KMS events (src/web/dashboard/src/offline-log-kind.ts),
 * in Node over real files: the corpus' Security logs, whose channel, provider and event ids are read independently from
 * python-evtx's XML output committed beside them (test/corpus/evtx/expected).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBytesSource } from '../../src/web/bytes-source.js';
import { eventIdList, EVENT_IDS_NAMED, LogTally, logName, unreportedSentence } from '../../src/web/dashboard/src/offline-log-kind.js';
import { corpusDir } from '../helpers/paths.js';

const NOTHING_STORED = { requests: 0, hostEvents: 0, clientEvents: 0, anomalies: 0 };

/** Channel, providers and event ids as python-evtx printed them (a peer reader, not ours). */
function peerView(sample: string): { channels: Set<string>; providers: Set<string>; ids: number[]; records: number } {
  const xml = readFileSync(path.join(corpusDir, 'expected', `${sample}.python-evtx.xml`), 'utf8');
  const ids = [...xml.matchAll(/<EventID[^>]*>(\d+)<\/EventID>/g)].map((m) => Number(m[1]));
  return {
    channels: new Set([...xml.matchAll(/<Channel>([^<]*)<\/Channel>/g)].map((m) => m[1])),
    providers: new Set([...xml.matchAll(/<Provider Name="([^"]*)"/g)].map((m) => m[1])),
    ids: [...new Set(ids)].sort((a, b) => a - b),
    records: ids.length,
  };
}

async function tally(bytes: Uint8Array, file: string): Promise<{ tally: LogTally; events: number }> {
  const t = new LogTally();
  let events = 0;
  for await (const item of readBytesSource(bytes, { file, timezone: 'UTC' })) {
    if (item.ok) {
      t.add(item.event);
      events++;
    }
  }
  return { tally: t, events };
}

describe('offline page: what a file without KMS events is', () => {
  for (const sample of ['evtxrs__Security_short_selected', 'evtxrs__new-user-security']) {
    it(`${sample}: a Security log, with the event ids the peer reader prints`, async () => {
      const peer = peerView(sample);
      expect(peer.channels).toEqual(new Set(['Security']));
      const { tally: t, events } = await tally(readFileSync(path.join(corpusDir, `${sample}.evtx`)), 'Security.evtx');
      expect(events).toBe(peer.records);
      const kind = t.kind();
      expect(kind.channels).toEqual(['Security']);
      expect(new Set(kind.providers)).toEqual(peer.providers);
      expect(kind.eventIds).toEqual(peer.ids);
      expect(logName(kind)).toBe('a Security log');
      // the sentence built by hand from the peer's view: every id is named (fewer than EVENT_IDS_NAMED)
      expect(peer.ids.length).toBeLessThanOrEqual(EVENT_IDS_NAMED);
      expect(unreportedSentence({ ...NOTHING_STORED, name: 'Security.evtx', events, kmsEvents: 0, kind })).toBe(
        `Security.evtx is a Security log (${peer.records} events, event ids ${peer.ids.join(', ')}): it holds no Key Management Service events.`,
      );
    });
  }

  it('a file the report counts has no such sentence; one with no event at all says that', () => {
    const kind = { channels: [], providers: [], eventIds: [] };
    expect(unreportedSentence({ ...NOTHING_STORED, name: 'kms.evtx', events: 10, kmsEvents: 1, requests: 1, kind })).toBeNull();
    expect(unreportedSentence({ ...NOTHING_STORED, name: 'app.evtx', events: 10, kmsEvents: 2, hostEvents: 2, kind })).toBeNull();
    // KMS events all stored already from another file of the same drop: nothing to say
    expect(unreportedSentence({ ...NOTHING_STORED, name: 'copy.evtx', events: 10, kmsEvents: 10, kind })).toBeNull();
    expect(unreportedSentence({ ...NOTHING_STORED, name: 'empty.xml', events: 0, kmsEvents: 0, kind })).toBe('empty.xml: no event could be read from this file, so it holds no Key Management Service events.');
  });

  it("a KMS client's own log (12288/12289 only) holds KMS events but no request a host counts", () => {
    const kind = { channels: ['Application'], providers: ['Microsoft-Windows-Security-SPP'], eventIds: [1000, 12288, 12289] };
    expect(unreportedSentence({ ...NOTHING_STORED, name: 'Application.evtx', events: 30, kmsEvents: 2, clientEvents: 2, kind })).toBe(
      "Application.evtx is a KMS client's log (2 client events: 12288 request sent, 12289 answer received): it holds no activation request as a KMS host logs them (event 12290), so there are no counts to report.",
    );
  });

  it('names the log by its channel(s), else its providers; "an" before a vowel; ids past the eighth elided', () => {
    expect(logName({ channels: ['Application'], providers: [], eventIds: [] })).toBe('an Application log');
    expect(logName({ channels: ['', 'Microsoft-Windows-Sysmon/Operational'], providers: [], eventIds: [] })).toBe('a Microsoft-Windows-Sysmon/Operational log');
    expect(logName({ channels: ['Security', 'System'], providers: [], eventIds: [] })).toBe('events of the Security, System logs');
    expect(logName({ channels: ['Security', 'System', 'Setup', 'Application'], providers: [], eventIds: [] })).toBe('events of the Security, System, Setup… logs');
    expect(logName({ channels: [''], providers: ['Winlogon', 'Service Control Manager', 'EventLog', 'Kernel-General'], eventIds: [] })).toBe('events of Winlogon, Service Control Manager, EventLog…');
    expect(logName({ channels: [''], providers: [], eventIds: [] })).toBe('events of no named log');
    expect(eventIdList([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBe('1, 2, 3, 4, 5, 6, 7, 8…');
    expect(eventIdList([4624])).toBe('4624');
  });
});
