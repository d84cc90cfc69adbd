import type { AlertRulesConfig } from '../alerts/config.js';
import type { Store } from '../store/types.js';

/** What the routes share: built once by createApp from its deps. */
export interface AppContext {
  store: Store;
  /** Bearer token for writes; undefined = read-only server. */
  token: string | undefined;
  /** IANA zone for times without an offset (ingest) and named in reports. */
  timezone: string;
  now: () => number;
  version: string;
  /** Alert rules of serve --config (the defaults without one): /api/alerts, /api/overview, the idle limit. */
  alertRules: AlertRulesConfig;
}
