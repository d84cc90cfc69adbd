export { buildReport, type ReportOptions } from './report.js';
export { classifyClient, summarizeClients } from './clients.js';
export { computeCounts } from './counts.js';
export { describeClones } from './clones.js';
export { describeFailures } from './failures.js';
export { describeHosts } from './hosts.js';
export * from './time.js';
export type * from './types.js';
