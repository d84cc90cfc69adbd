import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/kms/decode.js';
import type { KmsRequest } from '../../src/kms/types.js';
import { rawEvent, requestData } from './events.js';

/**
 * The 12290 decoder checks its numeric fields with character loops; the documented shapes are the
 * regexes below (kms-events.md §1.2): hex HRESULT `0x` + 1-8 hex digits, counts 1-10 decimal digits.
 * Random field texts must be accepted exactly when the regex accepts them, with the same value.
 */
const HEX_RESULT = /^0x[0-9a-f]{1,8}$/i;
const UNSIGNED = /^\d{1,10}$/;

const CMID = '24ecc780-5463-4cfc-bc0c-71744241ee4f';
const ACT = '2de67392-b7a7-462a-b1ca-108dd189f588';

function decodeWith(result: string, minimum: string, minutes: string) {
  const info = [result, minimum, 'pc.example', CMID, '2015/10/27 17:10', '0', '1', minutes, ACT].join(',');
  return decodeEvent(rawEvent({ data: requestData(info) }));
}

describe('12290 numeric fields against their documented shapes', () => {
  const piece = fc.constantFrom('0', '1', '9', 'a', 'F', 'g', 'x', 'X', '0x', '-', '+', '.', ' ', 'e', '٣');
  const text = fc.array(piece, { maxLength: 12 }).map((a) => a.join(''));

  it('result: accepted exactly when it is a hex HRESULT', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.stringMatching(/^0[xX][0-9a-fA-F]{0,9}$/)), (result) => {
        const r = decodeWith(result, '25', '0');
        const trimmed = result.trim();
        if (HEX_RESULT.test(trimmed)) {
          expect(r?.kind).toBe('request');
          expect((r as KmsRequest).result).toBe(Number.parseInt(trimmed.slice(2), 16));
        } else {
          expect(r?.kind).toBe('anomaly');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('minimum count and minutes left: accepted exactly when 1-10 decimal digits', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.stringMatching(/^\d{1,12}$/)), fc.boolean(), (value, asMinutes) => {
        const r = asMinutes ? decodeWith('0x0', '25', value) : decodeWith('0x0', value, '0');
        const trimmed = value.trim();
        if (UNSIGNED.test(trimmed)) {
          expect(r?.kind).toBe('request');
          const req = r as KmsRequest;
          expect(asMinutes ? req.minutesLeft : req.minimumCount).toBe(Number(trimmed));
        } else {
          expect(r?.kind).toBe('anomaly');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('source names the file of each event even when files alternate', () => {
    const a = rawEvent({ data: requestData(`0x0,25,pc,${CMID},2015/10/27 17:10,0,1,0,${ACT}`), origin: { file: 'a.xml', format: 'xml' } });
    const b = { ...a, origin: { file: 'b.ndjson', format: 'winlogbeat' as const } };
    expect([a, b, a].map((ev) => decodeEvent(ev)?.source)).toEqual(['a.xml (xml)', 'b.ndjson (winlogbeat)', 'a.xml (xml)']);
  });
});
