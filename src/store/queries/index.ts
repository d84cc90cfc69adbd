/** Every store query, one per file, each with its SQLite and PostgreSQL text side by side. */
export * from './query.js';
export { totalsPastQuery, totalsSummaryQuery } from './totals.js';
export { newestRequestQuery, summaryCovers } from './freshness.js';
export { afterAt, secondBounds } from './names.js';
export { CLIENT_SUMMARY_COLUMNS, CLIENT_SUMMARY_CONFLICT, REQUEST_HOSTS_CONFLICT, markNewestSql, updateRequestHostsSql } from './summary.js';
export { hostActivityPastQuery, hostActivitySummaryQuery } from './host-activity.js';
export { windowCountsQuery } from './window-counts.js';
export { windowActiveQuery } from './window-active.js';
export { cloneNamesSummaryQuery, clonesPast, clonesPastSql, collectClones, type CloneNameRow } from './clones.js';
export { failuresQuery } from './failures.js';
export { latestClientsParams, type LatestClientsParams } from './latest-clients.js';
export {
  clientSummaryRowsSql, summaryHostsSql, summaryProductsSql, summaryLookups, latestFromSummary, type SummaryLookups,
} from './latest-clients-summary.js';
export { productsPast, productsPastSql, productsSeenQuery, productsSummaryQuery, type PastProductsSource } from './products.js';
export { anomaliesQuery, anomalyCountQuery } from './anomalies.js';
export { hostEventCountsQuery } from './host-event-counts.js';
export { logClearsQuery } from './log-clears.js';
export { clientRequestsQuery } from './client-requests.js';
export { dailyActivityQuery, dailyTableQuery } from './daily-activity.js';
export { alertStatesQuery, upsertAlertStateSql, alertStateParams, metaQuery, setMetaSql } from './alert-states.js';
export { checkpointsQuery, checkpointQuery, upsertCheckpointSql, insertLogClearSql, type CheckpointWithKey } from './checkpoints.js';
export { clientOverviewSql, overviewFromRows, overviewRowsSql, readOverviewScan, type OverviewScan } from './client-overview.js';
export { damagedEventsQuery, DAMAGE_MARK_COLUMNS } from './damaged.js';
export { eventCopiesSql, eventCopyOf, requestCopiesSql, requestCopyOf } from './copies.js';
export { coverageQuery, deleteSpanSql, hostsCoverageQuery, insertSpanSql, localSourcesSql, spanGroupSql, spanOf, spanValues } from './spans.js';
export { activityCountsQuery, activitySeriesQuery, rebuildActivitySql, type ActivityCountRow } from './activity.js';
export { clientEventsQuery, clientFields, clientResponsesQuery, hostNamesSql, pairedRequestsQuery } from './client-events.js';
export { pairClientEventsSql } from './client-pairing.js';
export { clientComputersQuery, clientListQuery, clientNamedHostsQuery, clientReportedQuery, clientsNamingQuery, clientUnansweredQuery } from './client-side-facts.js';
export { discoveryOf, discoveryRow, latestDiscoveryQuery, upsertDiscoverySql, type DiscoveryRow } from './discovery.js';
export { countedNewestRequestsQuery, countedNewestSpansQuery } from './counted-newest.js';
export { selectedClientIdsSql } from './selected-clients.js';
export { failureCountsPastQuery, failureCountsSummaryQuery, rebuildFailureCountsSql, updateFailureCountsSql } from './failure-counts.js';
