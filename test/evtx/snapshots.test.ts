/**
 * Values equal evtx-rs's own snapshots (expected/evtxrs-snapshots, which record each one shows:
 * expected/README.md) and the Velocidex golden (expected/velocidex-golden). Their conventions
 * differ from ours in form only, and each difference is normalised here:
 *  - evtx-rs prints GUIDs without braces (older versions) and FILETIME with 6 fraction digits;
 *    we print `{…}` and the 7 digits stored.
 *  - evtx-rs keeps a NULL optional `<Binary>` as `"Binary": null`; we leave the element out, as
 *    Windows does (evtx-format.md §0.10).
 *  - `--separate-json-attributes` snapshots put attributes under `X_attributes`; folded back here.
 *  - Velocidex prints HexInt and Keywords as decimal numbers, SystemTime as epoch seconds.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EvtxRecord } from '../../src/evtx/chunk.js';
import { recordToJson, type JsonValue } from '../../src/evtx/render/json.js';
import { recordToXml } from '../../src/evtx/render/xml.js';
import { expectedPath, okRecords, parseCorpus } from './helpers/corpus.js';
import { flatten } from './helpers/xml.js';

function snapshot(name: string): string {
  const text = readFileSync(path.join(expectedPath('evtxrs-snapshots'), `test_record_samples__${name}.snap`), 'utf8');
  // insta format: `---` header `---` body
  return text.split(/^---$/m).slice(2).join('---').trim();
}

function record(file: string, pick: (r: EvtxRecord, i: number) => boolean): EvtxRecord {
  const r = okRecords(parseCorpus(file)).find(pick);
  if (!r) throw new Error(`no such record in ${file}`);
  return r;
}

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
const TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\d*Z$/;

function normValue(v: JsonValue): JsonValue {
  if (typeof v === 'string') {
    const g = GUID.exec(v);
    if (g) return g[1].toUpperCase();
    const t = TIME.exec(v);
    if (t) return t[1] + 'Z';
    return v;
  }
  if (Array.isArray(v)) return v.map(normValue);
  if (v && typeof v === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Binary' && x === null) continue;
      const sep = /^(.*)_attributes$/.exec(k);
      if (sep) {
        const target = (out[sep[1]] ??= {}) as Record<string, JsonValue>;
        if (target === null || typeof target !== 'object') continue;
        target['#attributes'] = normValue(x);
        continue;
      }
      const value = normValue(x);
      if (out[k] && typeof out[k] === 'object' && !Array.isArray(out[k])) {
        // separate-attributes form: `X_attributes` came first, then X's text or children.
        const target = out[k] as Record<string, JsonValue>;
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(target, value);
        else if (value !== null) target['#text'] = value;
        continue;
      }
      out[k] = value;
    }
    return out;
  }
  return v;
}

describe('evtx-rs JSON snapshots', () => {
  const cases: Array<[string, string, (r: EvtxRecord, i: number) => boolean]> = [
    ['event_json_sample', 'evtxrs__security.evtx', (r) => r.recordId === 1],
    ['event_json_sample_with_event_data_with_attributes_and_text', 'evtxrs__system.evtx', (_r, i) => i === 0],
    ['event_json_with_size_t', 'evtxrs__Security_with_size_t.evtx', (r) => r.recordId === 196],
    ['event_json_with_multiple_data_elements-2', 'evtxrs__MSExchange_Management_wec.evtx', (_r, i) => i === 0],
    ['event_json_multiple_empty_data_nodes_not_ignored', 'evtxrs__MSExchange_Management_wec.evtx', (_r, i) => i === 0],
  ];
  for (const [snap, file, pick] of cases) {
    it(`${snap} (${file})`, () => {
      const theirs = normValue(JSON.parse(snapshot(snap)));
      const ours = normValue(recordToJson(record(file, pick)));
      expect(ours).toEqual(theirs);
    });
  }
});

describe('evtx-rs XML snapshots', () => {
  const cases: Array<[string, string, (r: EvtxRecord, i: number) => boolean]> = [
    ['event_xml_sample', 'evtxrs__security.evtx', (r) => r.recordId === 1],
    ['event_xml_sample_with_string_with_trailing_spaces', 'evtxrs__security.evtx', (r) => r.recordId === 2260],
    ['event_xml_sample_with_event_data_with_attributes_and_text', 'evtxrs__system.evtx', (_r, i) => i === 0],
    ['event_json_with_multiple_data_elements', 'evtxrs__MSExchange_Management_wec.evtx', (_r, i) => i === 0],
  ];
  /** (path, attributes, text) with formatting whitespace removed; text kept exact otherwise (trailing spaces matter). */
  const view = (xml: string) =>
    flatten(xml).map((n) => {
      const attrs = Object.fromEntries(Object.entries(n.attrs).map(([k, v]) => [k, normValue(v)]));
      const text = n.text.trim() === '' ? '' : (normValue(n.text) as string);
      return `${n.path} ${JSON.stringify(attrs)} ${JSON.stringify(text)}`;
    });
  for (const [snap, file, pick] of cases) {
    it(`${snap} (${file})`, () => {
      const theirs = view(snapshot(snap).replace(/^<\?xml[^>]*\?>/, ''));
      const ours = view(recordToXml(record(file, pick)));
      // evtx-rs prints a NULL optional <Binary> as an empty element; Windows and we leave it out.
      expect(ours).toEqual(theirs.filter((l) => !/\/Binary \{\} ""$/.test(l)));
    });
  }
});

describe('Velocidex golden (first 4624 of velocidex__Security.evtx)', () => {
  const raw = readFileSync(path.join(expectedPath('velocidex-golden'), 'Event4624_linux.golden'), 'utf8');
  const golden = JSON.parse(raw) as { System: Record<string, any>; EventData: Record<string, JsonValue> };
  const rec = record('velocidex__Security.evtx', (r) => JSON.stringify(recordToJson(r)).includes('"EventID":4624'));
  const ours = recordToJson(rec) as { Event: { System: Record<string, any>; EventData: Record<string, JsonValue> } };

  /** Velocidex prints HexInt values as decimal numbers. */
  const same = (mine: JsonValue, theirs: JsonValue) => {
    if (typeof mine === 'string' && /^0x[0-9a-f]+$/.test(mine) && typeof theirs === 'number') return BigInt(mine) === BigInt(theirs);
    if (typeof mine === 'string' && GUID.test(mine) && typeof theirs === 'string') return normValue(mine) === normValue(theirs);
    return mine === theirs;
  };

  it('has the same EventData values', () => {
    const keys = Object.keys(golden.EventData);
    expect(keys.length).toBeGreaterThan(20);
    for (const k of keys) expect(same(ours.Event.EventData[k], golden.EventData[k]), k).toBe(true);
  });

  it('has the same System values', () => {
    const s = ours.Event.System;
    const g = golden.System;
    expect(s.EventID).toBe(g.EventID.Value);
    expect(s.EventRecordID).toBe(g.EventRecordID);
    expect(s.Computer).toBe(g.Computer);
    expect(s.Channel).toBe(g.Channel);
    expect(s.Execution['#attributes']).toEqual(g.Execution);
    expect(normValue(s.Provider['#attributes'].Guid)).toBe(normValue(g.Provider.Guid));
    // Keywords as a u64 decimal: read from the raw text, a JS number cannot hold it.
    const kw = /"Keywords": (\d+)/.exec(raw)![1];
    expect(BigInt(s.Keywords)).toBe(BigInt(kw));
    // SystemTime as epoch seconds, a float rounded to 6 decimals; ours has the 7 stored digits.
    const t = /"SystemTime": ([\d.]+)/.exec(raw)![1];
    const [sec, frac] = t.split('.');
    const mine = s.TimeCreated['#attributes'].SystemTime as string;
    expect(Date.parse(mine.slice(0, 19) + 'Z') / 1000).toBe(Number(sec));
    const fraction7 = Number(/\.(\d{7})Z$/.exec(mine)![1]);
    expect(Math.abs(fraction7 - Number(frac.padEnd(6, '0')) * 10)).toBeLessThanOrEqual(5);
  });
});
