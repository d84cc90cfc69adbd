/**
 * The simulator hands the EVTX writer a request's strings already encoded (request-bytes.ts). They
 * must be exactly the UTF-16LE of the strings the text exports carry, or the writer's own encoding
 * of them: decoded with TextDecoder here, and compared as whole files.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeEvtx } from '../../src/evtx/writer/index.js';
import { requestEvent, type RequestFields } from '../../src/simulate/events.js';

/** Splits a string-array value at its NUL code units (every string ends with one). */
function decodeStringArray(bytes: Uint8Array): string[] {
  const text = new TextDecoder('utf-16le').decode(bytes);
  expect(text.endsWith('\u0000')).toBe(true);
  return text.slice(0, -1).split('\u0000');
}

const fieldsArb: fc.Arbitrary<RequestFields> = fc.record({
  result: fc.constantFrom(0, 0xc004f06c, 0xc004f042, 0x8007232a, 0xc004f038),
  minimumCount: fc.oneof(fc.constantFrom(5, 25), fc.nat({ max: 1_000_000 })),
  machine: fc.oneof(fc.constantFrom('PC-00001.corp.contoso.com', 'SRV-00042.CORP.CONTOSO.COM'), fc.string({ unit: 'binary', maxLength: 40 })),
  cmid: fc.uuid(),
  // 1970 … 2100, with milliseconds; and the edges of a day
  clientTime: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(Date.UTC(2025, 0, 1), Date.UTC(2025, 0, 1) - 1, Date.UTC(2024, 1, 29, 23, 59, 59, 999))),
  isVm: fc.boolean(),
  licenseState: fc.integer({ min: 0, max: 6 }),
  minutesLeft: fc.oneof(fc.nat({ max: 259_200 }), fc.constant(0), fc.constant(43_200)),
  activationId: fc.oneof(fc.constantFrom('2de67392-b7a7-462a-b1ca-108dd189f588'), fc.uuid()),
});

describe('pre-encoded request strings', () => {
  it('decode to exactly the strings of the event, for any fields without a NUL', () => {
    fc.assert(
      fc.property(fieldsArb, (f) => {
        fc.pre(!f.machine.includes('\u0000'));
        const ev = requestEvent('KMS01.corp.contoso.com', Date.UTC(2025, 0, 6), 1, f);
        const bytes = ev.dataUtf16;
        expect(bytes).not.toBeNull();
        expect(decodeStringArray(bytes!)).toEqual(ev.data);
        // Info is the nine fields joined by commas (kms-events.md §1.2)
        expect(ev.data[0]).toBe(ev.data.slice(1).join(','));
      }),
      { numRuns: 400 },
    );
  });

  it('an EVTX file written from them equals one the writer encodes itself', () => {
    fc.assert(
      fc.property(fc.array(fieldsArb, { minLength: 1, maxLength: 60 }), (all) => {
        const events = all.map((f, i) => requestEvent('KMS01.corp.contoso.com', Date.UTC(2025, 0, 6) + i * 1000, i + 1, f));
        // the same events as plain objects: no dataUtf16, the writer encodes `data`
        const plain = events.map((e) => ({ ...e, data: e.data })); // own fields plus the strings; getters stay behind
        expect(plain.every((e) => !('dataUtf16' in e))).toBe(true);
        let expected: Uint8Array | Error;
        try {
          expected = writeEvtx(plain);
        } catch (err) {
          expected = err as Error;
        }
        if (expected instanceof Error) {
          // a NUL in a machine name: refused the same way
          expect(() => writeEvtx(events)).toThrow(expected.message);
        } else {
          expect(Buffer.from(writeEvtx(events)).equals(Buffer.from(expected))).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});
