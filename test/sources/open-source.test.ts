import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSource } from '../../src/sources/index.js';
import { corpusDir } from '../helpers/paths.js';
import { collect, fixture, SEED_DATA } from './helpers.js';

describe('openSource', () => {
  it('detects and reads each fixture with its reader', async () => {
    const xml = await collect(openSource(fixture('kms-events-root.xml'), { timezone: 'UTC' }));
    expect(xml.events).toHaveLength(4);
    expect(xml.events[0].origin).toMatchObject({ file: fixture('kms-events-root.xml'), format: 'xml' });
    const wlb = await collect(openSource(fixture('winlogbeat.ndjson'), { timezone: 'UTC' }));
    expect(wlb.events[0].data).toEqual(SEED_DATA);
    expect(wlb.issues).toMatchObject([{ format: 'winlogbeat', line: 4 }]);
    const ev = await collect(openSource(fixture('eventviewer.csv'), { timezone: 'America/New_York', host: 'kms09' }));
    expect(ev.events.map((e) => e.host)).toEqual(['kms09', 'kms09', 'kms09']);
  });

  it('--format overrides detection (a forced wrong format costs each record, not the file)', async () => {
    const { events, issues } = await collect(openSource(fixture('nxlog.ndjson'), { timezone: 'UTC', format: 'winlogbeat' }));
    expect(events).toEqual([]);
    expect(issues).toHaveLength(3);
    expect(issues.every((i) => i.format === 'winlogbeat' && !i.fatal)).toBe(true);
  });

  it('one fatal issue for an unknown format, a missing file, an unknown zone', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-src-'));
    const junk = path.join(dir, 'junk.json');
    writeFileSync(junk, 'this is not an export\n');
    for (const [file, tz] of [[junk, 'UTC'], [path.join(dir, 'missing.xml'), 'UTC'], [fixture('winlogbeat.ndjson'), 'Mars/Olympus_Mons']]) {
      const { events, issues } = await collect(openSource(file, { timezone: tz }));
      expect(events).toEqual([]);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ file, fatal: true });
    }
    const missing = await collect(openSource(path.join(dir, 'missing.xml'), { timezone: 'UTC' }));
    expect(missing.issues[0].reason).toBe('cannot read file: no such file or directory (ENOENT)');
    const empty = path.join(dir, 'empty.xml');
    writeFileSync(empty, '');
    expect((await collect(openSource(empty, { timezone: 'UTC' }))).issues).toMatchObject([{ reason: 'file is empty' }]);
  });

  it('delegates .evtx to the EVTX reader (content, not name)', async () => {
    const name = readdirSync(corpusDir).find((f) => f.startsWith('velocidex__Security_1_record'));
    expect(name).toBeDefined();
    const { events } = await collect(openSource(path.join(corpusDir, name as string), { timezone: 'UTC' }));
    expect(events.length).toBeGreaterThan(0);
    expect(events[0].origin.format).toBe('evtx');
  });
});
