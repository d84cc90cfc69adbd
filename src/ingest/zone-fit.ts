/**
 * Which IANA zones would have read a file's wall-clock times as the instants its stored copies
 * have: the `--timezone` to name when a file was read in the wrong zone (copies.ts "shifted").
 */
import { zoneOffsetAt } from '../sources/time.js';

/** A wall-clock time as the file wrote it (fields encoded as if UTC, ms) and the true instant. */
export interface WallAndInstant {
  wall: number;
  instant: number;
}

/** The wall-clock time of `instant` in `zone`, encoded as if UTC. */
export function wallClock(instant: number, zone: string): number {
  return instant + zoneOffsetAt(instant, zone);
}

/** Every zone the runtime knows, UTC included. */
function knownZones(): string[] {
  const list = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return list.includes('UTC') ? list : [...list, 'UTC'];
}

/**
 * The zones in which every wall time of `pairs` is its instant (compared to the second: some
 * exports write whole seconds). `preferred` ones first (zones the host's other files were read
 * in, this machine's); then those of the area most of them share (Europe/… for Central European
 * Time, rather than Africa/Ceuta), by name.
 */
export function zonesThatFit(pairs: readonly WallAndInstant[], preferred: readonly string[] = []): string[] {
  if (pairs.length === 0) return [];
  const fits = (zone: string) => pairs.every((p) => Math.floor(wallClock(p.instant, zone) / 1000) === Math.floor(p.wall / 1000));
  const found = knownZones().filter(fits);
  const area = (z: string) => (z.includes('/') ? z.slice(0, z.indexOf('/')) : '');
  const perArea = new Map<string, number>();
  for (const z of found) perArea.set(area(z), (perArea.get(area(z)) ?? 0) + 1);
  found.sort((a, b) => (perArea.get(area(b)) ?? 0) - (perArea.get(area(a)) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  const first = preferred.filter((z, i) => found.includes(z) && preferred.indexOf(z) === i);
  return [...first, ...found.filter((z) => !first.includes(z))];
}

/** `1 h`, `5 h 30 min`, `45 min`. */
export function formatOffset(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min';
}
