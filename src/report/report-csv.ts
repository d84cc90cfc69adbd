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
import { renderCsv as renderCsvWith, type CsvOptions } from './csv.js';
import type { Column } from './table.js';
import { damagedCsvColumns, damagedOnlyColumn } from './damaged.js';
import { coverageCsvColumns, coverageHoleLines } from './coverage.js';
import { healthCsvColumns } from './health-text.js';

/** A CSV holds one table; `report --csv --section NAME` picks which. */
export const REPORT_CSV_SECTIONS = ['counts', 'hosts', 'clones', 'failures', 'expiring', 'lapsed', 'products', 'anomalies', 'log-clears', 'damaged', 'coverage', 'health'] as const;
export type ReportCsvSection = (typeof REPORT_CSV_SECTIONS)[number];

export function renderReportCsv(report: Report, section: ReportCsvSection = 'counts', options: CsvOptions = {}): string {
  const renderCsv = <T>(columns: readonly Column<T>[], rows: readonly T[]) => renderCsvWith(columns, rows, options);
  switch (section) {
    case 'counts':
      return renderCsv(thresholdColumns(), thresholdLines(report.hosts));
    case 'hosts':
      return renderCsv([...hostColumns(isoTime), damagedOnlyColumn()], report.hosts);
    case 'clones':
      return renderCsv([...cloneColumns(isoTime), damagedOnlyColumn()], report.clones);
    case 'failures':
      // Product last: the columns before it keep their places
      return renderCsv([...failureCsvColumns(), damagedOnlyColumn(), { header: 'Product', value: (f) => f.product }], report.failures);
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
    case 'damaged':
      return renderCsv(damagedCsvColumns(), report.damaged.chunks);
    case 'coverage':
      return renderCsv(coverageCsvColumns(), coverageHoleLines(report.hosts));
    case 'health':
      return renderCsv(healthCsvColumns(), report.health);
  }
}
