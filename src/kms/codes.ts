/** HRESULT and license-state helpers (kms-events.md §1.4, §3.1, §4). */
import { RESULT_CODES } from './result-codes.js';

export interface ResultInfo {
  /** `0x0`, `0xC004F06C`. */
  hex: string;
  meaning: string;
  cause: string;
  remedy: string;
  known: boolean;
}

const UINT32_MAX = 0xffffffff;

/** A log holds few distinct result codes: each is formatted once. */
const hexByCode = new Map<number, string>();
const MAX_CACHED_HEX = 4096;

/** `0x` + upper-case hex digits, no padding: the convention of the KMS log (`0x0`, `0xC004F06C`). */
export function formatHresult(code: number): string {
  const value = code >>> 0;
  let hex = hexByCode.get(value);
  if (hex === undefined) {
    hex = `0x${value.toString(16).toUpperCase()}`;
    if (hexByCode.size >= MAX_CACHED_HEX) hexByCode.clear();
    hexByCode.set(value, hex);
  }
  return hex;
}


/**
 * Accepts `0x0`, `0XC004F06C`, `0x00000000`, unsigned decimal (`3221549164`) and the negative Int32
 * form exports use for HRESULTs (`-1073418388`). Returns the unsigned 32-bit value, or null.
 */
export function parseHresult(text: string): number | null {
  const s = text.trim();
  if (/^0x[0-9a-f]{1,8}$/i.test(s)) return Number.parseInt(s.slice(2), 16);
  if (/^-?\d{1,10}$/.test(s)) {
    const n = Number(s);
    if (n < 0) return n >= -0x80000000 ? n + 0x100000000 : null;
    return n <= UINT32_MAX ? n : null;
  }
  return null;
}

/** Meaning, typical cause and remedy; an unknown code keeps its hex form with `known: false`. */
export function describeResult(code: number): ResultInfo {
  const hex = formatHresult(code);
  const entry = RESULT_CODES.get(code >>> 0);
  if (entry) return { hex, ...entry, known: true };
  return {
    hex,
    meaning: 'Unknown result code',
    cause: 'Not in the table of KMS-related codes.',
    remedy: `Look up ${hex} in Microsoft's activation error code documentation.`,
    known: false,
  };
}

const LICENSE_STATES: readonly (readonly [string, string])[] = [
  ['Unlicensed', 'Not activated and no grace period left.'],
  ['Licensed', 'Activated; a request in this state is a renewal.'],
  ['OOBGrace', 'Out-of-box grace period: not activated yet; a request in this state is a first activation attempt.'],
  ['OOTGrace', 'Out-of-tolerance grace: the hardware changed enough to require reactivation.'],
  ['NonGenuineGrace', 'Grace period after failing the genuine check.'],
  ['Notification', 'Grace expired: Windows nags the user until it is activated.'],
  ['ExtendedGrace', 'Grace period extended (for example by rearm).'],
];

/** 0 Unlicensed … 6 ExtendedGrace; any other value is `Unknown (n)`. */
export function licenseStateName(state: number): string {
  return LICENSE_STATES[state]?.[0] ?? `Unknown (${state})`;
}

export function licenseStateDescription(state: number): string {
  return LICENSE_STATES[state]?.[1] ?? `License state ${state} is not defined (0-6 are).`;
}
