import type { ClientRow, ClientSelection } from '../types.js';

/**
 * Whether a client's latest request meets any condition of a selection (Store.selectedClients):
 * the specification the SQL candidates of queries/selected-clients.ts narrow down to.
 */
export function isSelected(row: ClientRow, selection: ClientSelection): boolean {
  if (selection.licenseStates?.includes(row.licenseState)) return true;
  if (selection.expiringBy !== undefined && row.minutesLeft > 0 && row.lastSeen + row.minutesLeft * 60_000 <= selection.expiringBy) return true;
  if (selection.unknownProducts === true && row.application === 'Unknown') return true;
  if (selection.cmids !== undefined && selection.cmids.length > 0) {
    const cmid = row.cmid.toLowerCase();
    if (selection.cmids.some((c) => c.toLowerCase() === cmid)) return true;
  }
  return false;
}
