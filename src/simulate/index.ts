export { simulate, resolveOptions, SimulateError, SIMULATE_DEFAULTS, type SimulateOptions, type SimulateResult } from './simulate.js';
export { SIM_FORMATS, type SimFormat } from './outputs/formats.js';
export type { Truth, TruthHost, TruthCount } from './truth.js';
export type { TruthClientSide, TruthClientHost, TruthReportedCount, TruthUnanswered } from './client-side-truth.js';
export { CLIENT_LOG_FILES, CONFIG_FILE } from './client-logs.js';
