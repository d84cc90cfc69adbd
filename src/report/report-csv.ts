import type { Report } from '../analysis/types.js';
import {
  anomalyColumns,
  clientCsvColumns,
  cloneColumns,
  failureCsvColumns,
  hostColumns,
  isoTime,
  logClearColumns,
  productColumns,
  thresholdColumns,
  thresholdLines,
} from './columns.js';
import { renderCsv } from './csv.js';

/** A CSV holds one table; `report --csv --section NAME` picks which. */
export const REPORT_CSV_SECTIONS = ['counts', 'hosts', 'clones', 'failures', 'expiring', 'lapsed', 'products', 'anomalies', 'log-clears'] as const;
export type ReportCsvSection = (typeof REPORT_CSV_SECTIONS)[number];

export function renderReportCsv(report: Report, section: ReportCsvSection = 'counts'): string {
  switch (section) {
    case 'counts':
      return renderCsv(thresholdColumns(), thresholdLines(report.hosts));
    case 'hosts':
      return renderCsv(hostColumns(isoTime), report.hosts);
    case 'clones':
      return renderCsv(cloneColumns(isoTime), report.clones);
    case 'failures':
      return renderCsv(failureCsvColumns(), report.failures);
    case 'expiring':
      return renderCsv(clientCsvColumns(), report.clients.expiring);
    case 'lapsed':
      return renderCsv(clientCsvColumns(), report.clients.lapsed);
    case 'products':
      return renderCsv(productColumns(isoTime), report.products);
    case 'anomalies':
      return renderCsv(anomalyColumns(isoTime), report.anomalies);
    case 'log-clears':
      return renderCsv(logClearColumns(isoTime), report.logClears);
  }
}
