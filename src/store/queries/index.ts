/** Every store query, one per file, each with its SQLite and PostgreSQL text side by side. */
export * from './query.js';
export { totalsQuery } from './totals.js';
export { hostActivityQuery } from './host-activity.js';
export { windowCountsQuery } from './window-counts.js';
export { windowActiveQuery } from './window-active.js';
export { cloneNamesQuery, collectClones, type CloneNameRow } from './clones.js';
export { failuresQuery } from './failures.js';
export { latestClientsQuery, latestClientsParams } from './latest-clients.js';
export { productsQuery } from './products.js';
export { anomaliesQuery, anomalyCountQuery } from './anomalies.js';
export { hostEventCountsQuery } from './host-event-counts.js';
export { logClearsQuery } from './log-clears.js';
export { clientRequestsQuery } from './client-requests.js';
export { dailyActivityQuery } from './daily-activity.js';
export { alertStatesQuery, upsertAlertStateSql, alertStateParams, metaQuery, setMetaSql } from './alert-states.js';
export { checkpointsQuery, checkpointQuery, upsertCheckpointSql, insertLogClearSql, type CheckpointWithKey } from './checkpoints.js';
