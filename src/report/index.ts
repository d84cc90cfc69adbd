export { cellText, displayWidth, printable, truncate, type CellValue } from './cells.js';
export { renderTable, type Column, type TableOptions } from './table.js';
export { csvField, renderCsv } from './csv.js';
export { renderJson } from './json.js';
export { formatLocal } from './time.js';
export * from './columns.js';
export { renderReportText, renderReportSummary, type TextReportOptions } from './report-text.js';
export { renderReportCsv, REPORT_CSV_SECTIONS, type ReportCsvSection } from './report-csv.js';
