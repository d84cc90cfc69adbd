import { describe, expect, it } from 'vitest';
import { describeResult, formatHresult, licenseStateDescription, licenseStateName, parseHresult } from '../../src/kms/codes.js';

describe('formatHresult', () => {
  it('writes 0x + upper-case digits without padding', () => {
    expect(formatHresult(0)).toBe('0x0');
    expect(formatHresult(0xc004f06c)).toBe('0xC004F06C');
    expect(formatHresult(0x8007232b)).toBe('0x8007232B');
    expect(formatHresult(0x10)).toBe('0x10');
  });
  it('treats a negative Int32 as its unsigned value', () => {
    // 0xC004F06C − 2^32 = 3221549164 − 4294967296 = −1073418132
    expect(formatHresult(-1073418132)).toBe('0xC004F06C');
  });
});

describe('parseHresult', () => {
  it.each([
    ['0x0', 0],
    ['0x00000000', 0],
    ['0XC004F06C', 0xc004f06c],
    ['0xc004f06c', 0xc004f06c],
    [' 0xC004F042 ', 0xc004f042],
    ['3221549164', 0xc004f06c],
    ['-1073418132', 0xc004f06c],
    ['-2147483648', 0x80000000],
    ['4294967295', 0xffffffff],
    ['0', 0],
  ])('%s → %d', (text, value) => {
    expect(parseHresult(text)).toBe(value);
  });
  it.each(['', 'x', '0x', '0x123456789', 'C004F06C', '4294967296', '-2147483649', '0x0,25', '1.5'])('rejects %j', (text) => {
    expect(parseHresult(text)).toBeNull();
  });
});

describe('describeResult', () => {
  // Every code of kms-events.md §1.4 and §4.
  const documented = [
    0x0, 0xc004f06c, 0xc004f042, 0xc004f035, 0xc004f038, 0xc004f039, 0xc004f041, 0xc004f074, 0xc004c008,
    0xc004f050, 0xc004f00f, 0xc004f014, 0xc004f015, 0xc0020017, 0x80070005, 0x8007232a, 0x8007232b,
    0x8007251d, 0x800706ba, 0x8007007b, 0x80092328, 0x4004f040, 0x4004f041, 0x4004f042, 0x4004f056,
  ];
  it.each(documented.map((c) => [formatHresult(c), c]))('%s has meaning, cause and remedy', (_hex, code) => {
    const info = describeResult(code);
    expect(info.known).toBe(true);
    expect(info.hex).toBe(formatHresult(code));
    expect(info.meaning.length).toBeGreaterThan(10);
    expect(info.cause.length).toBeGreaterThan(5);
    expect(info.remedy.length).toBeGreaterThan(3);
  });
  it('uses the official wording for the sample codes', () => {
    expect(describeResult(0xc004f06c).meaning).toMatch(/request timestamp is invalid/);
    expect(describeResult(0xc004f06c).cause).toMatch(/4 hours/);
    expect(describeResult(0xc004f038).meaning).toMatch(/count reported by your Key Management Service \(KMS\) is insufficient/);
    expect(describeResult(0xc004f042).meaning).toMatch(/specified Key Management Service \(KMS\) cannot be used/);
    expect(describeResult(0x8007232b).meaning).toBe('DNS name does not exist.');
  });
  it('keeps an unknown code verbatim', () => {
    const info = describeResult(0xdeadbeef);
    expect(info).toMatchObject({ hex: '0xDEADBEEF', meaning: 'Unknown result code', known: false });
    expect(info.remedy).toContain('0xDEADBEEF');
  });
  it('finds a code given as a negative Int32', () => {
    expect(describeResult(-1073418132).known).toBe(true);
  });
});

describe('license states', () => {
  it.each([
    [0, 'Unlicensed'], [1, 'Licensed'], [2, 'OOBGrace'], [3, 'OOTGrace'],
    [4, 'NonGenuineGrace'], [5, 'Notification'], [6, 'ExtendedGrace'],
  ])('%d is %s', (n, name) => {
    expect(licenseStateName(n)).toBe(name);
    expect(licenseStateDescription(n).length).toBeGreaterThan(10);
  });
  it.each([7, -1, 99, 1.5])('%d is unknown', (n) => {
    expect(licenseStateName(n)).toBe(`Unknown (${n})`);
    expect(licenseStateDescription(n)).toContain(String(n));
  });
});
