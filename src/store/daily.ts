import { ClientMap, type BatchRequest, type ClientSuccesses } from './activity.js';
import type { Driver } from './driver.js';
import { DAILY_COLUMNS, DAILY_CONFLICT, servedBeforeSql } from './queries/daily-activity.js';
import { secondBounds } from './queries/names.js';
import { num, str } from './queries/query.js';
import { DAY_MS, utcDayStart } from './rules/window.js';

/**
 * Brings daily_activity up to date with a batch's new requests, inside the batch's transaction:
 * requests per host, application and UTC day are added up; a client served that day counts once.
 * It is new for a day when its newest stored success (`storedLatest`, from activity.ts) is on an
 * earlier day or it has none; on the same day it is already counted; when the stored one is later
 * (a batch older than the store), the stored requests of that day answer (servedBeforeSql).
 */
export async function updateDaily(tx: Driver, requests: readonly BatchRequest[], clients: readonly ClientSuccesses[], firstId: number): Promise<void> {
  if (requests.length === 0) return;
  const rows = new ClientMap<unknown[]>();
  const row = (hostId: number, application: string, day: number): unknown[] => {
    let values = rows.get(hostId, application, day);
    if (values === undefined) rows.set(hostId, application, day, (values = [hostId, application, day, 0, 0]));
    return values;
  };
  for (const r of requests) (row(r.hostId, r.application, utcDayStart(r.time))[3] as number)++;

  const ask = new Map<string, { hostId: number; day: number; clients: ClientSuccesses[] }>();
  for (const client of clients) {
    const latestDay = client.storedLatest === undefined ? Number.NEGATIVE_INFINITY : utcDayStart(client.storedLatest);
    for (const day of new Set(client.successes.map((s) => utcDayStart(s.time)))) {
      if (day > latestDay) (row(client.hostId, client.application, day)[4] as number)++;
      else if (day < latestDay) {
        const group = `${client.hostId}:${day}`;
        let a = ask.get(group);
        if (a === undefined) ask.set(group, (a = { hostId: client.hostId, day, clients: [] }));
        a.clients.push(client);
      }
    }
  }
  for (const { hostId, day, clients: wanted } of ask.values()) {
    const found = new ClientMap<true>();
    const params = { cmidIds: tx.list([...new Set(wanted.map((c) => c.cmidId))]), hostId, ...secondBounds(day, day + DAY_MS - 1), dayStart: day, firstId };
    for (const f of await tx.rows(servedBeforeSql, params)) found.set(hostId, str(f.application), num(f.cmid_id), true);
    for (const c of wanted) if (!found.get(c.hostId, c.application, c.cmidId)) (row(c.hostId, c.application, day)[4] as number)++;
  }
  await tx.insert('daily_activity', DAILY_COLUMNS, [...rows.values()], DAILY_CONFLICT);
}
