/**
 * Per host and application: the count as the host reported it at the end of each of the last
 * `days` days (current = min(active, cap) over the 30-day window ending there, definitions.md),
 * the distinct clients served each UTC day, the thresholds seen, and a forecast of the count if
 * no new client arrived (src/alerts/forecast.ts). Browser-safe: the offline page draws it too.
 */
import { forecastClients } from '../alerts/facts.js';
import { defaultConfig, type AlertRulesConfig } from '../alerts/config.js';
import { countAt, forecastCountDrop } from '../alerts/forecast.js';
import { DAY_MS, iso, windowStart } from '../analysis/time.js';
import type { KmsApplication } from '../kms/types.js';
import type { Store } from '../store/types.js';

export interface TimelinePoint {
  /** End of the window (ISO); the last point is `at` itself. */
  t: string;
  current: number;
  active: number;
}

export interface TimelineSeries {
  host: string;
  application: KmsApplication;
  /** Minimum counts seen among the requests counted at `at` (25, 5), highest first. */
  thresholds: number[];
  cap: number;
  points: TimelinePoint[];
  /** Distinct clients served with 0x0 per UTC day. */
  daily: { day: string; clients: number; requests: number }[];
  /** Count at `at` + k days (k = 1..days) if no new client arrived, capped. */
  forecast: { t: string; count: number }[];
  /** When the count falls below each threshold without new clients; null when already below. */
  drops: { minimum: number; at: string | null }[];
}

export interface Timeline {
  at: string;
  days: number;
  series: TimelineSeries[];
}

function key(host: string, application: string): string {
  return `${host.toLowerCase()}\u0000${application}`;
}

export async function buildTimeline(store: Store, at: number, days: number, host?: string, rules: AlertRulesConfig = defaultConfig().alerts): Promise<Timeline> {
  const wanted = (h: string) => host === undefined || h.toLowerCase() === host.toLowerCase();
  const ends = Array.from({ length: days }, (_, i) => at - (days - 1 - i) * DAY_MS);
  const [active, perMinimum, daily, counted] = await Promise.all([
    store.activeSeries(ends[0], DAY_MS, days),
    store.windowCounts(windowStart(at), at),
    store.dailyActivity(host ?? null, at - days * DAY_MS, at),
    // the forecast's clients only: the other alert facts (client events, clones, …) are not drawn
    forecastClients(store, at, rules),
  ]);

  const series = new Map<string, TimelineSeries>();
  const seriesFor = (h: string, application: KmsApplication): TimelineSeries => {
    const k = key(h, application);
    let s = series.get(k);
    if (!s) {
      s = { host: h, application, thresholds: [], cap: 0, points: [], daily: [], forecast: [], drops: [] };
      series.set(k, s);
    }
    return s;
  };

  for (const row of active) {
    if (!wanted(row.host)) continue;
    const s = seriesFor(row.host, row.application);
    // days without any counted client show 0: every series has one point per day
    s.points = ends.map((end, i) => ({ t: iso(end), current: Math.min(row.active[i], 2 * row.maxMinimum[i]), active: row.active[i] }));
    s.cap = 2 * row.maxMinimum[days - 1];
  }
  for (const m of perMinimum) if (wanted(m.host)) seriesFor(m.host, m.application).thresholds.push(m.minimumCount);
  for (const d of daily) seriesFor(d.host, d.application).daily.push({ day: iso(d.day), clients: d.clients, requests: d.requests });
  for (const s of series.values()) if (s.points.length === 0) s.points = ends.map((end) => ({ t: iso(end), current: 0, active: 0 }));

  const lastSeen = new Map<string, number[]>();
  for (const c of counted) {
    const k = key(c.host, c.application);
    const list = lastSeen.get(k) ?? [];
    list.push(c.lastSeen);
    lastSeen.set(k, list);
  }
  for (const [k, s] of series) {
    s.thresholds = [...new Set(s.thresholds)].sort((a, b) => b - a);
    s.daily.sort((a, b) => (a.day < b.day ? -1 : 1));
    const seen = lastSeen.get(k) ?? [];
    for (let d = 1; d <= days; d++) s.forecast.push({ t: iso(at + d * DAY_MS), count: Math.min(countAt(seen, at + d * DAY_MS), s.cap) });
    s.drops = s.thresholds.map((minimum) => {
      const drop = forecastCountDrop(seen, minimum, at);
      return { minimum, at: drop === null ? null : iso(drop) };
    });
  }
  return {
    at: iso(at),
    days,
    series: [...series.values()].sort((a, b) => a.host.localeCompare(b.host) || a.application.localeCompare(b.application)),
  };
}
