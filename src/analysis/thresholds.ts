import type { KmsApplication } from '../kms/types.js';

/** The minimum count a Windows client edition asks for (kms-events.md §3.2). */
export const CLIENT_EDITION_MINIMUM = 25;
/** The minimum count Windows Server editions and Office ask for. */
export const SERVER_AND_OFFICE_MINIMUM = 5;

/** Which clients a minimum count is for, in words a reader knows. */
export function thresholdFor(minimum: number): string {
  if (minimum === CLIENT_EDITION_MINIMUM) return 'Windows client editions';
  if (minimum === SERVER_AND_OFFICE_MINIMUM) return 'Windows Server and Office';
  return `clients asking for ${minimum}`;
}

/**
 * The application an unknown Activation ID (one missing from the product table) belongs to where its
 * minimum count makes that certain: only Windows client editions ask for 25. A minimum of 5 may be
 * Windows Server or Office, so it stays unknown (null).
 */
export function applicationByMinimum(minimum: number): KmsApplication | null {
  return minimum === CLIENT_EDITION_MINIMUM ? 'Windows' : null;
}
