/**
 * Records whose stored copies have times whole hours apart (store/copies.ts "shifted"): a file
 * read in the wrong zone. Their batches' results are added up here; the rest of such a file read
 * in local time is withheld before it reaches the store; and at the end each file becomes one
 * problem naming the offset and the --timezone that fits.
 */
import type { KmsRecord } from '../kms/types.js';
import { defaultTimezone } from '../sources/time.js';
import type { InputFormat, InputIssue } from '../sources/types.js';
import type { LogSpanRow, ShiftedCopies, Store, WriteResult } from '../store/types.js';
import type { IngestSummary } from './types.js';
import { formatOffset, wallClock, zonesThatFit } from './zone-fit.js';

/** How many fitting zones a problem names before "and N more". */
const ZONES_NAMED = 3;

export class ShiftedSources {
  private readonly groups: ShiftedCopies[] = [];
  /** Sources whose records read in local time were found shifted: the rest of them is withheld. */
  private readonly flagged = new Set<string>();
  private readonly withheldBy = new Map<string, number>();

  /** Adds a batch's WriteResult to the summary. */
  add(summary: IngestSummary, result: WriteResult): void {
    summary.requests += result.requests;
    summary.hostEvents += result.hostEvents;
    summary.clientEvents += result.clientEvents;
    summary.anomalies += result.anomalies;
    summary.duplicates += result.duplicates;
    summary.logClears += result.logClears;
    const local: string[] = [];
    for (const g of result.shifted ?? []) {
      this.groups.push(g);
      summary.shifted += g.records;
      if (g.timeZone !== null) {
        this.flagged.add(g.source);
        local.push(g.source);
      }
    }
    if (result.withheld) {
      summary.withheld += result.withheld;
      // a batch mostly holds one file: its withheld records are that file's
      if (local.length > 0) this.countWithheld(local[0], result.withheld);
    }
  }

  /** Positions of the records to store: those of flagged sources read in local time are withheld. */
  keep(records: readonly KmsRecord[], summary: IngestSummary): number[] | null {
    if (this.flagged.size === 0) return null;
    const kept: number[] = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r.timeZone !== undefined && this.flagged.has(r.source)) {
        summary.withheld++;
        this.countWithheld(r.source, 1);
      } else kept.push(i);
    }
    return kept.length === records.length ? null : kept;
  }

  private countWithheld(source: string, n: number): void {
    this.withheldBy.set(source, (this.withheldBy.get(source) ?? 0) + n);
  }

  /** One problem per file and stored source, naming the offsets and the zones that fit. */
  async problems(store: Store): Promise<InputIssue[]> {
    if (this.groups.length === 0) return [];
    const spans = await store.coverage();
    const byPair = new Map<string, ShiftedCopies[]>();
    for (const g of this.groups) {
      const key = `${g.source}\u0000${g.storedSource}\u0000${g.hostKey}\u0000${g.channel}`;
      const list = byPair.get(key);
      if (list === undefined) byPair.set(key, [g]);
      else list.push(g);
    }
    return [...byPair.values()].map((groups) => this.problem(groups, spans));
  }

  private problem(groups: ShiftedCopies[], spans: readonly LogSpanRow[]): InputIssue {
    const { source, storedSource, hostKey, channel, timeZone } = groups[0];
    const host = spans.find((s) => s.hostKey === hostKey)?.host ?? hostKey;
    const records = groups.reduce((n, g) => n + g.records, 0);
    const offsets = [...new Set(groups.map((g) => g.offsetMs))].sort((a, b) => a - b);
    const samples = groups.flatMap((g) => g.samples);
    const otherZones = [
      ...spans.filter((s) => s.hostKey === hostKey && s.zone !== null && s.source !== source && s.source !== storedSource).map((s) => s.zone as string),
      defaultTimezone(),
    ];
    const { file, format } = splitSource(source);
    const where = `${host}, log ${channel || '(none)'}`;
    const recordsText = `${records} record${records === 1 ? '' : 's'}`;
    const offsetText = offsets.map((o) => `${formatOffset(o)} ${o > 0 ? 'later' : 'earlier'}`).join(' or ');
    if (timeZone !== null) {
      const fits = zonesThatFit(samples.map((p) => ({ wall: wallClock(p.time, timeZone), instant: p.storedTime })), otherZones);
      const withheld = this.withheldBy.get(source) ?? 0;
      return {
        file, format,
        reason:
          `times ${offsetText} than the stored copies of the same ${recordsText} (${where}; stored from ${storedSource}): ` +
          `this file's times without an offset were read in ${timeZone}, not the zone of the host that wrote it; ${zonesText(fits)}. ` +
          `Not stored, and taken for no log clear${withheld ? `; nor were the other ${withheld} record${withheld === 1 ? '' : 's'} of the file read in that zone` : ''}`,
      };
    }
    const storedZone = spans.find((s) => s.source === storedSource && s.zone !== null)?.zone ?? null;
    const fits = storedZone === null ? [] : zonesThatFit(samples.map((p) => ({ wall: wallClock(p.storedTime, storedZone), instant: p.time })), otherZones);
    return {
      file, format,
      reason:
        `${recordsText} (${where}) are stored already from ${storedSource}, at times ${offsetText.replace(/later|earlier/g, (w) => (w === 'later' ? 'earlier' : 'later'))} than here: ` +
        `that file was read in ${storedZone ?? 'a zone'} and its times are off; ${storedZone === null ? 'its zone is not known' : `for it ${zonesText(fits)}`}. Not stored again, and taken for no log clear`,
    };
  }
}

function zonesText(fits: readonly string[]): string {
  if (fits.length === 0) return 'no time zone fits (the times are off by more than a zone can be)';
  const named = fits.slice(0, ZONES_NAMED).map((z) => `--timezone ${z}`).join(', ');
  return `${named}${fits.length > ZONES_NAMED ? ` (or ${fits.length - ZONES_NAMED} other zones)` : ''} fit${fits.length === 1 ? 's' : ''}`;
}

/** `C:/logs/kms.csv (csv-export)` → file and format (KmsRecord.source). */
export function splitSource(source: string): { file: string; format: InputFormat | 'unknown' } {
  const m = /^(.*) \(([a-z-]+)\)$/.exec(source);
  return m ? { file: m[1], format: m[2] as InputFormat } : { file: source, format: 'unknown' };
}
