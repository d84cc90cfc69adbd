/**
 * Host names on the offline page, as `kmswatch ingest` treats them: an Event Viewer save names no
 * computer, so the page asks for the KMS host's name before analysing; a short name joins the
 * host an export dropped with it names (`KMS01` → `KMS01.corp.contoso.com`).
 */
import { resolveHostName } from '../../../ingest/hosts.js';
import { detectFormat, HEAD_BYTES } from '../../../sources/detect.js';
import { namesNoComputer } from '../../../sources/formats.js';
import { recordHostNames } from '../../../store/host-names.js';
import type { Store } from '../../../store/types.js';

/** The dropped files whose events name no computer, by their first bytes. */
export async function filesWithoutComputer(files: readonly File[]): Promise<Set<File>> {
  const out = new Set<File>();
  for (const file of files) {
    const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
    const format = head.length === 0 ? null : detectFormat(head, file.name);
    if (format !== null && namesNoComputer(format)) out.add(file);
  }
  return out;
}

/** Files that name their computer first, so that a short host name can join the host they store. */
export function namingFilesFirst(files: readonly File[], hostless: ReadonlySet<File>): File[] {
  return [...files.filter((f) => !hostless.has(f)), ...files.filter((f) => hostless.has(f))];
}

/** The host the typed name means in `store` (kept as that host's alias when it differs). */
export async function hostForFile(store: Store, typed: string): Promise<string> {
  const host = await resolveHostName(store, typed);
  await recordHostNames(store, [{ host, name: typed }]);
  return host;
}
