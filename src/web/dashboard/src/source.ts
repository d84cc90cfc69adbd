/** Where the pages get their data: the HTTP API (dashboard) or the in-browser store (offline page). */
import type { Report } from '../../../analysis/types.js';
import type { ClientPage, ClientQuery } from '../../clients-query.js';
import type { Timeline } from '../../timeline.js';

export interface AlertView {
  id: string;
  rule: string;
  severity: 'critical' | 'warning' | 'info';
  host: string | null;
  summary: string;
  clients: number;
}

export interface RequestView {
  host: string;
  time: string;
  resultHex: string;
  machine: string;
  licenseState: number;
  minutesLeft: number;
  productName: string;
  source: string;
}

export type ClientParams = Omit<ClientQuery, 'at'>;

export interface DataSource {
  report(at: number | undefined): Promise<Report>;
  timeline(at: number): Promise<Timeline>;
  alerts(at: number): Promise<AlertView[]>;
  clients(at: number, q: ClientParams): Promise<ClientPage>;
  clientRequests(cmid: string): Promise<RequestView[]>;
}
