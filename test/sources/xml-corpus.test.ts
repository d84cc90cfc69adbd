import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLocalTime } from '../../src/sources/time.js';
import { readXmlSource } from '../../src/sources/xml.js';
import { corpusDir } from '../helpers/paths.js';
import { collect, readOptions } from './helpers.js';

/**
 * Real XML renderings of the corpus files by two independent tools (shared/corpus/evtx/expected):
 * python-evtx writes an XML 1.1 document with an <Events> root and SystemTime without a zone;
 * evtxexport writes a banner line and then bare <Event> fragments. Read with our XML reader, both
 * must give the same events. The tools differ in rendering only: GUID case, dates inside data
 * ("2021-05-19 02:42:52" vs "2021-05-19T02:42:52.000000000Z"), floats ("3199.234" vs "3.199234e+003")
 * and sub-ms rounding of TimeCreated (python-evtx truncates to µs, evtxexport prints 100 ns), so those
 * are compared as values.
 */
function normalise(value: string): string {
  const v = value.toLowerCase();
  const t = /^\d{4}-\d\d-\d\d[t ]/.test(v) ? parseLocalTime(v.toUpperCase(), 'UTC') : null;
  if (t !== null) return `time:${t}`;
  if (/^-?\d+\.\d+(e[+-]?\d+)?$/.test(v)) return `num:${Number(v)}`;
  return v;
}

const SAMPLES = [
  'attacksamples__Persistence_Winsock_Catalog_Change_EventId_1',
  'hayabusa__T1197_BitsClient',
  'evtxrs__Security_short_selected',
  'evtxrs__new-user-security',
  'hayabusa__ID354-808-Mimispool_printer_installation_PrintNightmare_',
];

const expectedDir = path.join(corpusDir, 'expected');

describe('XML reader on the two peer tools\' renderings of real EVTX files', () => {
  for (const sample of SAMPLES) {
    const pyFile = path.join(expectedDir, `${sample}.python-evtx.xml`);
    const exFile = path.join(expectedDir, `${sample}.evtxexport.xml`);
    it.runIf(existsSync(pyFile) && existsSync(exFile))(sample, async () => {
      const py = await collect(readXmlSource(createReadStream(pyFile), readOptions('py')));
      const ex = await collect(readXmlSource(createReadStream(exFile), readOptions('ex')));
      expect(py.issues).toEqual([]);
      expect(ex.issues).toEqual([]);
      expect(py.events.length).toBeGreaterThan(0);
      const shape = (e: (typeof py.events)[number]) => ({
        eventId: e.eventId, recordId: e.recordId, host: e.host, channel: e.channel, data: e.data?.map(normalise),
      });
      expect(py.events.map(shape)).toEqual(ex.events.map(shape));
      py.events.forEach((e, i) => expect(Math.abs(e.time - ex.events[i].time)).toBeLessThanOrEqual(1));
    });
  }
});
