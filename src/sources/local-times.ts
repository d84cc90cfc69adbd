/**
 * Wall-clock times of the hour that repeats when daylight saving time ends (Europe/Berlin
 * 2026-10-25 02:00-02:59 happens at +02:00 and again at +01:00) name two instants. A reader keeps
 * both (RawEvent.time the earlier, timeLater the later; time.ts readEventTime); this pass over one
 * file's events picks the one that keeps the log's order, which is what the event's own neighbours
 * say:
 *   - the order of the log is the record ids' where the events have them, else the file's order:
 *     oldest first (wevtutil, shippers) or newest first (Get-EventLog, Get-WinEvent and Event
 *     Viewer's saves), as the file's unambiguous times show it, or as its format writes it;
 *   - in that order, times never run backwards: of each event's instants those that fit between its
 *     neighbours' (each chosen as early, and as late, as the order allows) remain;
 *   - one remains: it is taken (timeChoice 'order'); both or none: the earlier (timeChoice
 *     'earlier', counted in the ingest summary).
 * Events are held back only from the first ambiguous time to the next unambiguous one.
 */
import type { InputFormat, RawEvent, SourceItem } from './types.js';

/** Formats that list the newest event first unless their times say otherwise. */
const NEWEST_FIRST: ReadonlySet<InputFormat> = new Set(['csv-export', 'csv-eventviewer', 'psjson']);

export async function* resolveLocalTimes(batches: AsyncIterable<SourceItem[]>, format: InputFormat): AsyncGenerator<SourceItem[]> {
  const resolver = new LocalTimeResolver(NEWEST_FIRST.has(format) ? -1 : 1);
  for await (const batch of batches) {
    const out = resolver.add(batch);
    if (out.length > 0) yield out;
  }
  const tail = resolver.end();
  if (tail.length > 0) yield tail;
}

export class LocalTimeResolver {
  /** Steps between consecutive unambiguous times of the file: forwards minus backwards. */
  private votes = 0;
  private lastClear: RawEvent | undefined;
  /** Items from the first ambiguous event of a run on, while the run is open. */
  private held: SourceItem[] | null = null;
  private before: RawEvent | undefined;

  /** @param defaultDirection 1 oldest first, -1 newest first: the format's habit */
  constructor(private readonly defaultDirection: 1 | -1) {}

  add(items: readonly SourceItem[]): SourceItem[] {
    let out: SourceItem[] | null = null;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (!item.ok) {
        if (this.held !== null) this.held.push(item);
        else if (out !== null) out.push(item);
        continue;
      }
      const ev = item.event;
      if (ev.timeLater !== undefined) {
        if (this.held === null) {
          out ??= items.slice(0, i) as SourceItem[];
          this.held = [];
          this.before = this.lastClear;
        }
        this.held.push(item);
        continue;
      }
      this.vote(ev);
      if (this.held !== null) {
        out ??= [];
        out.push(...this.close(ev));
        out.push(item);
      } else if (out !== null) out.push(item);
    }
    // nothing held back and nothing changed: the batch as it came
    return out ?? (this.held === null ? (items as SourceItem[]) : []);
  }

  /** The items still held at the end of the file. */
  end(): SourceItem[] {
    return this.held === null ? [] : this.close(undefined);
  }

  private vote(ev: RawEvent): void {
    const prev = this.lastClear;
    if (prev !== undefined && prev.channel === ev.channel && prev.time !== ev.time) this.votes += ev.time > prev.time ? 1 : -1;
    this.lastClear = ev;
  }

  private direction(): 1 | -1 {
    return this.votes > 0 ? 1 : this.votes < 0 ? -1 : this.defaultDirection;
  }

  private close(after: RawEvent | undefined): SourceItem[] {
    const held = this.held ?? [];
    this.held = null;
    const events = held.filter((i): i is { ok: true; event: RawEvent } => i.ok).map((i) => i.event);
    const channels = new Set(events.map((e) => e.channel));
    for (const channel of channels) {
      const run = events.filter((e) => e.channel === channel);
      const near = (e: RawEvent | undefined) => (e !== undefined && e.channel === channel ? e : undefined);
      resolveRun(run, near(this.before), near(after), this.direction());
    }
    return held;
  }
}

/**
 * Picks the instant of each ambiguous event of `run` (file order) against its unambiguous
 * neighbours: the event before the run in the file and the one after it.
 */
function resolveRun(run: RawEvent[], before: RawEvent | undefined, after: RawEvent | undefined, direction: 1 | -1): void {
  const inFile = [...(before !== undefined ? [before] : []), ...run, ...(after !== undefined ? [after] : [])];
  let chronological: RawEvent[];
  if (run.every((e) => e.recordId !== undefined)) {
    chronological = inFile.filter((e) => e.recordId !== undefined).sort((a, b) => (a.recordId as number) - (b.recordId as number));
  } else {
    chronological = direction === 1 ? inFile : inFile.reverse();
  }
  const candidates = chronological.map((e) => (e.timeLater === undefined ? [e.time] : [e.time, e.timeLater]));
  // the earliest each event can be given its predecessors, and the latest given its successors
  const lo: number[] = new Array(candidates.length);
  const hi: number[] = new Array(candidates.length);
  let floor = -Infinity;
  for (let k = 0; k < candidates.length; k++) {
    const fit = candidates[k].find((c) => c >= floor);
    lo[k] = fit ?? candidates[k][0];
    floor = lo[k];
  }
  let ceiling = Infinity;
  for (let k = candidates.length - 1; k >= 0; k--) {
    const fit = [...candidates[k]].reverse().find((c) => c <= ceiling);
    hi[k] = fit ?? candidates[k][candidates[k].length - 1];
    ceiling = hi[k];
  }
  chronological.forEach((e, k) => {
    if (e.timeLater === undefined) return;
    const fits = candidates[k].filter((c) => c >= lo[k] && c <= hi[k]);
    delete e.timeLater;
    if (fits.length === 1) {
      e.time = fits[0];
      e.timeChoice = 'order';
    } else {
      e.timeChoice = 'earlier';
    }
  });
}
