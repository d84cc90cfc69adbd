/**
 * Host names at ingest. Exports whose events name no computer (Event Viewer's saves) need one, or
 * two hosts' files would merge into one nameless host; a typed name is matched to the stored host
 * it means (store/host-names.ts), so `--host KMS01` joins the `KMS01.corp.contoso.com` an EVTX
 * export stored; and every name a host's events arrived under is kept for the report.
 */
import { AmbiguousHostError, HostRequiredError } from '../sources/errors.js';
import { namesNoComputer } from '../sources/formats.js';
import { detectFileFormat } from '../sources/index.js';
import type { InputFormat, SourceItem } from '../sources/types.js';
import { matchHostName, recordHostNames, storedHostNames, type SeenName } from '../store/host-names.js';
import type { Store } from '../store/types.js';

/** The files whose format names no computer (a file that cannot be read is left to the reader's issue). */
export async function filesWithoutComputer(files: readonly string[], format?: InputFormat): Promise<string[]> {
  const out: string[] = [];
  for (const file of files) {
    const f = format ?? (await detectFileFormat(file).catch(() => null));
    if (f !== null && namesNoComputer(f)) out.push(file);
  }
  return out;
}

/**
 * Throws HostRequiredError, naming them, when some files name no computer and no host is given;
 * returns those files otherwise. `remedy` says how to give the name where the caller is.
 */
export async function requireHostFor(
  files: readonly string[],
  opts: { format?: InputFormat; host?: string },
  remedy?: string,
): Promise<string[]> {
  const hostless = await filesWithoutComputer(files, opts.format);
  if (hostless.length > 0 && (opts.host === undefined || opts.host.trim() === '')) throw new HostRequiredError(hostless, remedy);
  return hostless;
}

/** The stored host a typed name means, else the name as given; AmbiguousHostError for a short name of several. */
export async function resolveHostName(store: Store, name: string): Promise<string> {
  const match = matchHostName(await storedHostNames(store), name);
  if (match.kind === 'ambiguous') throw new AmbiguousHostError(name.trim(), match.candidates);
  return match.host;
}

/** The host names of an ingest's events as written; consecutive events mostly share one, so that is cheap. */
export class SeenHostNames {
  private last: string | undefined;
  private readonly names = new Set<string>();
  private readonly given: SeenName[] = [];

  addHost(host: string): void {
    if (host !== this.last) {
      this.last = host;
      this.names.add(host);
    }
  }

  addItem(item: SourceItem): void {
    if (item.ok) this.addHost(item.event.host);
  }

  addItems(items: readonly SourceItem[]): void {
    for (let i = 0; i < items.length; i++) this.addItem(items[i]);
  }

  /** A name the user gave for `host` (`--host KMS01` for `KMS01.corp.contoso.com`). */
  addGiven(host: string, name: string): void {
    this.given.push({ host, name: name.trim() });
  }

  hasGiven(): boolean {
    return this.given.length > 0;
  }

  /** Stores them with the host each belongs to. */
  async record(store: Store): Promise<void> {
    await recordHostNames(store, [...[...this.names].map((name) => ({ host: name, name })), ...this.given]);
  }
}
