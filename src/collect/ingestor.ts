import { ingestEvents, ingestFiles } from '../ingest/ingest.js';
import type { Ingestor } from './collect.js';

/** src/ingest behind the Ingestor seam runCollect uses. */
export const defaultIngestor: Ingestor = {
  files: (store, files, opts) => ingestFiles(store, files, opts),
  events: (store, events, opts) => ingestEvents(store, events, opts),
};
