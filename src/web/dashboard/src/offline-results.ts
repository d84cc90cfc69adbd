/**
 * What the offline page shows above (or instead of) the dashboard: what was read, the problems as
 * a counted list, the damaged chunks, the notes, and for a file with no KMS events what it is and
 * which log to export instead.
 */
import type { Report } from '../../../analysis/types.js';
import { damagedSummary } from '../../../report/damaged.js';
import type { InputIssue } from '../../../sources/types.js';
import { el } from './dom.js';
import { num, plural } from './format.js';
import { EXPORT_APPLICATION_LOG, EXPORT_KMS_LOG, unreportedSentence } from './offline-log-kind.js';
import type { FileOutcome } from './offline-protocol.js';

function issueText(i: InputIssue): string {
  return `${i.file}${i.line !== undefined ? ` line ${i.line}` : ''}${i.record !== undefined ? ` record ${i.record}` : ''}: ${i.reason}`;
}

/** The problems of every file, counted, as an alert: they are what the reader must see first. */
function problems(files: readonly FileOutcome[]): HTMLElement | null {
  const count = files.reduce((n, f) => n + f.issueCount, 0);
  if (count === 0) return null;
  const shown = files.flatMap((f) => f.issues);
  return el(
    'section',
    { class: 'problems', role: 'alert', 'aria-labelledby': 'problems-heading' },
    el('h3', { id: 'problems-heading' }, plural(count, 'problem'), ' reading the file', files.length === 1 ? '' : 's'),
    el('ul', { class: 'issues' }, ...shown.map((i) => el('li', {}, issueText(i)))),
    count > shown.length ? el('p', { class: 'more' }, `and ${num(count - shown.length)} more (the first ${num(shown.length)} are listed).`) : null,
  );
}

/** What was read: counts, problems, damaged chunks, notes (data-section="ingest"). */
export function ingestSummary(files: readonly FileOutcome[], report: Report | null): HTMLElement {
  const sum = (pick: (f: FileOutcome) => number) => files.reduce((n, f) => n + pick(f), 0);
  const notes = files.flatMap((f) => f.notes);
  const damaged = report ? damagedSummary(report) : null;
  return el(
    'div',
    { class: 'summary', 'data-section': 'ingest' },
    el('p', {}, 'Read ', el('span', { 'data-field': 'files' }, num(files.length)), ' file(s): ', el('span', { 'data-field': 'events' }, num(sum((f) => f.events))), ' events, ',
      el('span', { 'data-field': 'requests' }, num(sum((f) => f.requests))), ' activation requests, ', el('span', { 'data-field': 'issues' }, num(sum((f) => f.issueCount))), ' problems.'),
    problems(files),
    report && damaged ? el('p', { class: 'damaged', 'data-field': 'damaged' }, damaged, ' ', report.damaged.chunks.map((d) => `${d.file} chunk ${d.chunk}: ${d.host}, records ${d.firstRecordId}–${d.lastRecordId}`).join('; ')) : null,
    notes.length ? el('ul', { class: 'notes' }, ...notes.map((n) => el('li', { class: 'note' }, `${n.file}: note: ${n.reason}`))) : null,
  );
}

/**
 * The files the report cannot count (no KMS event, or only a client's own events), each said
 * plainly with the log to export instead; null when there are none.
 */
export function unreportedNotice(files: readonly FileOutcome[], dashboardShown: boolean): HTMLElement | null {
  const said = files.flatMap((f) => {
    const sentence = unreportedSentence(f);
    return sentence === null ? [] : [{ file: f, sentence }];
  });
  if (said.length === 0) return null;
  const heading = dashboardShown
    ? `${plural(said.length, 'file')} the report below does not count`
    : files.every((f) => f.kmsEvents === 0)
      ? `No Key Management Service events in ${files.length === 1 ? 'this file' : 'these files'}`
      : 'No activation requests to report on';
  return el(
    'section',
    { class: 'no-kms', 'data-section': 'no-kms', 'aria-labelledby': 'no-kms-heading' },
    el('h2', { id: 'no-kms-heading' }, heading),
    ...said.map(({ file, sentence }) => el('p', { 'data-file': file.name }, sentence)),
    el('p', {}, 'On the KMS host, export the log it writes activation requests (event 12290) to: ', el('code', {}, EXPORT_KMS_LOG),
      '. A KMS client logs its own activation events (12288, 12289) in its Application log: ', el('code', {}, EXPORT_APPLICATION_LOG), '.'),
  );
}
