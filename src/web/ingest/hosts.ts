/**
 * `?host=` of POST /api/ingest: an export whose events name no computer (Event Viewer CSV/TXT) is
 * refused without it, before anything is parsed or stored; a given name is matched to the stored
 * host it means (src/ingest/hosts.ts), and the names the body's events arrived under are kept.
 */
import { resolveHostName, SeenHostNames } from '../../ingest/hosts.js';
import type { KmsRecord } from '../../kms/types.js';
import { detectFormat, HEAD_BYTES } from '../../sources/detect.js';
import { InputError } from '../../sources/errors.js';
import { FORMAT_LABELS, namesNoComputer } from '../../sources/formats.js';
import type { InputFormat } from '../../sources/types.js';
import type { Store } from '../../store/types.js';
import { WebError } from '../errors.js';

export interface RequestHost {
  /** The host to read the body with: the stored host the given name means, else the name as given. */
  host?: string;
  /** The name as the request gave it, when the body names no computer (kept as the host's alias). */
  given?: string;
}

export async function requestHost(store: Store, body: Uint8Array, format: InputFormat | undefined, host: string | undefined): Promise<RequestHost> {
  const detected = format ?? detectFormat(body.subarray(0, HEAD_BYTES), '');
  const hostless = detected !== null && namesNoComputer(detected);
  const name = host?.trim();
  if (hostless && !name) {
    throw new WebError(`host: ${FORMAT_LABELS[detected]} names no computer: add ?host=NAME, the KMS host's name (nothing was stored)`, 'WEB_BAD_REQUEST', 'host');
  }
  if (!name) return {};
  try {
    const resolved = await resolveHostName(store, name);
    return hostless ? { host: resolved, given: name } : { host: resolved };
  } catch (err) {
    if (err instanceof InputError) throw new WebError(`host: ${err.message}`, 'WEB_BAD_REQUEST', 'host');
    throw err;
  }
}

/** Keeps the names the stored records arrived under, and the given one for an export without them. */
export async function recordRequestHostNames(store: Store, records: readonly KmsRecord[], given: RequestHost): Promise<void> {
  const seen = new SeenHostNames();
  for (let i = 0; i < records.length; i++) seen.addHost(records[i].host);
  if (given.host !== undefined && given.given !== undefined) seen.addGiven(given.host, given.given);
  await seen.record(store);
}
