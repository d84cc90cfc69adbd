/**
 * How the pages write numbers, times and names for a reader: thousands separators, ISO dates in one
 * zone (UTC as the report, or the browser's when the reader switches), host events by name. The
 * zone is chosen once per page load (from the URL) by setZone.
 */

export type ZoneChoice = 'utc' | 'local';

let zone: ZoneChoice = 'utc';

export function setZone(choice: ZoneChoice): void {
  zone = choice;
}

export function currentZone(): ZoneChoice {
  return zone;
}

/** The browser's IANA zone (for the switch's label). */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local time';
}

export function zoneLabel(): string {
  return zone === 'utc' ? 'UTC' : browserZone();
}

const NUMBER = new Intl.NumberFormat('en-US');

/** `12,345`: the same separators whatever the browser's language. */
export function num(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : NUMBER.format(n);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Wall-clock parts of an instant in the chosen zone. */
function parts(ms: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const d = new Date(ms);
  if (zone === 'utc') return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
  return { y: d.getFullYear(), mo: d.getMonth() + 1, d: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds() };
}

/** `2026-03-01` */
export function isoDay(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}`;
}

/** `2026-03-01 14:05 UTC` (minutes: what a reader acts on). */
export function when(isoText: string | number | null | undefined): string {
  if (isoText === null || isoText === undefined || isoText === '') return '';
  const ms = typeof isoText === 'number' ? isoText : Date.parse(isoText);
  if (Number.isNaN(ms)) return String(isoText);
  const p = parts(ms);
  return `${isoDay(ms)} ${pad(p.h)}:${pad(p.mi)} ${zoneLabel()}`;
}

/** `2026-03-01 14:05:09` in the chosen zone (request lists, where seconds tell requests apart). */
export function whenSeconds(isoText: string | null | undefined): string {
  if (!isoText) return '';
  const ms = Date.parse(isoText);
  const p = parts(ms);
  return `${isoDay(ms)} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${num(n)} ${n === 1 ? word : many}`;
}

const HOST_EVENT_NAMES: Readonly<Record<string, string>> = {
  'kms-start-failed': 'KMS service failed to start',
  'renewal-timer-failed': 'renewal timer failed',
  'dns-publish-failed': 'DNS publishing failed',
  'dns-publish-ok': 'DNS record published',
  'avma-request': 'AVMA requests',
  'license-check': 'license checks',
  'spp-starting': 'licensing service starting',
  'spp-started': 'licensing service started',
  'spp-stopped': 'licensing service stopped',
  'spp-start-failed': 'licensing service failed to start',
  'spp-restart-scheduled': 'licensing service restart scheduled',
};

/** `dns-publish-ok` → `DNS record published`: host events by what they mean, not by their id. */
export function hostEventName(type: string): string {
  return HOST_EVENT_NAMES[type] ?? type;
}
