/**
 * The progress bar the offline page shows while its engine reads (bytes read and records, per
 * file), with the Cancel button beside it. The numbers are also kept as data attributes on
 * #progress, where the browser tests read them.
 */
import { byId } from './dom.js';
import { num } from './format.js';
import type { ParseProgress } from './offline-protocol.js';

function megabytes(bytes: number): string {
  return num(Math.round(bytes / 1e5) / 10);
}

export function progressText(p: ParseProgress): string {
  const which = p.files > 1 ? ` (file ${p.fileIndex + 1} of ${p.files})` : '';
  return `${megabytes(p.bytesRead)} of ${megabytes(p.bytesTotal)} MB${which}, ${num(p.records)} records`;
}

export function startProgress(): void {
  const box = byId('progress');
  for (const name of ['bytesRead', 'bytesTotal', 'records']) delete box.dataset[name];
  byId('progress-file').textContent = '';
  byId('progress-text').textContent = 'starting…';
  byId<HTMLProgressElement>('progress-bar').removeAttribute('value'); // indeterminate until the first numbers
  box.hidden = false;
}

export function showProgress(p: ParseProgress): void {
  const box = byId('progress');
  box.dataset.bytesRead = String(p.bytesRead);
  box.dataset.bytesTotal = String(p.bytesTotal);
  box.dataset.records = String(p.records);
  byId('progress-file').textContent = p.file;
  byId('progress-text').textContent = progressText(p);
  const bar = byId<HTMLProgressElement>('progress-bar');
  bar.max = Math.max(p.bytesTotal, 1);
  bar.value = p.bytesRead;
}

export function hideProgress(): void {
  byId('progress').hidden = true;
}

export function onCancel(handler: () => void): void {
  byId('cancel').addEventListener('click', handler);
}
