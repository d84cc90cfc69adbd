/** Store rules written once in TypeScript, for every backend's TypeScript side (the SQL keeps its own text). */
export { isLater, latestFirst, recordRank, type LatestKey } from './latest-order.js';
export { DAY_MS, inWindow, utcDayStart } from './window.js';
export { ACTIVE_MS, combineMinimums, deltaIndex, mergeSpans, seriesFromDeltas, spansOfTimes, type ActivitySpan } from './activity.js';
export { isSelected } from './client-selection.js';
export { NOT_CONTACTED, outcomeAt, pairedRequestsOf, pairEvents, pairingOrder, PAIRING_WINDOW_MINUTES, PAIRING_WINDOW_MS, type PairingEvent, type RequestOutcome } from './client-pairing.js';
export { clientSideFactsOf, clientsNamingOf, COUNT_RESULTS, sortedFacts } from './client-side-facts.js';
