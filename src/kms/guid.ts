function isDashPosition(i: number): boolean {
  return i === 8 || i === 13 || i === 18 || i === 23;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

/** Checks the lower-case 8-4-4-4-12 shape (a character loop: runs twice per request at ingest). */
function isLowerGuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (isDashPosition(i) ? c !== 45 : !isHexDigit(c)) return false;
  }
  return true;
}

/**
 * Canonical form used everywhere in kmswatch: lower-case, no braces, surrounding blanks removed.
 * Returns null when the text is not a GUID (after removing one pair of braces).
 */
export function normalizeGuid(text: string): string | null {
  if (isLowerGuid(text)) return text;
  let s = text.trim().toLowerCase();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  return isLowerGuid(s) ? s : null;
}
